import type {KeyObject} from 'node:crypto'
import {existsSync, lstatSync} from 'node:fs'
import {lstat, mkdtemp, readFile, readdir, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ExitCode, InvalidInputError, NotFoundError, UserError, formatIssue} from '../domain/errors.js'
import {importFile} from '../ingest/import.js'
import type {Kind} from '../ingest/kinds.js'
import {loadScenario} from '../estimate/scenario.js'
import {LANGS, type Lang} from '../domain/lang.js'
import {formatsOf} from '../report/render/index.js'
import type {RenderedFile} from '../report/render/types.js'
import {estimateDocument, estimateViews, type EstimateViews} from '../report/run.js'
import {OUTPUT_MARKER, hashFile, markerContent, safeJoin} from '../report/write.js'
import {bundledMinistries} from '../reference/ministries.js'
import {initStore} from '../store/init.js'
import {openStore, type Store} from '../store/open.js'
import {reconciliationChecks, type AuditCheck} from './checks.js'
import {renderBundleReport} from './export.js'
import {SIGNATURE_FILE, checkSignature, type SignatureCheck} from './sign.js'
import {
  INPUT_PATHS,
  MANIFEST_FILE,
  MANIFEST_FORMAT_VERSION,
  MANIFEST_KIND,
  REPORT_DIR,
  figures,
  recordedEstimate,
  type BundleInput,
  type Manifest,
} from './manifest.js'

/** One thing verified: a file's hash and size, a recorded figure, a reconciliation check, or the re-run itself. */
export interface VerifyCheck {
  kind: 'layout' | 'signature' | 'input' | 'output' | 'figure' | 'reconciliation' | 'rerun' | 'derived'
  name: string
  ok: boolean
  expected?: string
  actual?: string
}

/** A difference between the bundle and its manifest, by file and figure. */
export interface Mismatch {
  file: string
  figure?: string
  expected?: string
  actual?: string
  message: string
}

/** The version of `kasumi audit verify --json`; bumped on any breaking change. */
const VERIFY_FORMAT_VERSION = 1

export interface VerifyResult {
  formatVersion: typeof VERIFY_FORMAT_VERSION
  ok: boolean
  bundle: string
  checks: VerifyCheck[]
  mismatches: Mismatch[]
  /** Things worth knowing that do not fail the verification (files the manifest does not list, with --allow-extra). */
  notes: string[]
  /** What the verification proved, in words; only what held. */
  proved: string[]
  /** The signature: absent when the bundle is not signed. */
  signature?: SignatureCheck
}

export interface VerifyOptions {
  onProgress?(message: string): void
  /** Files the manifest does not list are a note instead of a mismatch. */
  allowExtra?: boolean
  /** The signer's public key: the bundle must be signed by it. */
  key?: KeyObject
  /** The running kasumi version: the report is re-derived byte for byte only by the version that made it. */
  kasumi?: string
}

const MESSAGE_CAP = 40

/** The bundle does not verify: exit 7, every mismatch listed. `details` is the whole result. */
export class VerificationError extends UserError {
  constructor(readonly result: VerifyResult) {
    const lines = result.mismatches.slice(0, MESSAGE_CAP).map((mismatch) => `  ${describeMismatch(mismatch)}`)
    if (result.mismatches.length > MESSAGE_CAP) lines.push(`  … and ${result.mismatches.length - MESSAGE_CAP} more (--json lists them all)`)
    super(
      `the audit bundle ${result.bundle} does not verify: ${result.mismatches.length} mismatch${result.mismatches.length === 1 ? '' : 'es'}\n${lines.join('\n')}`,
      {
        exitCode: ExitCode.verificationMismatch,
        suggestion:
          'a changed input or output file, or figures the bundled inputs no longer give: compare the files named above with their originals',
        details: result,
      },
    )
    this.name = 'VerificationError'
  }
}

export function describeMismatch(mismatch: Mismatch): string {
  const figure = mismatch.figure ? ` ${mismatch.figure}` : ''
  const values =
    mismatch.expected !== undefined || mismatch.actual !== undefined ? ` (recorded ${mismatch.expected ?? '—'}, found ${mismatch.actual ?? '—'})` : ''
  return `${mismatch.file}${figure}: ${mismatch.message}${values}`
}

const MANIFEST_LIMIT = 64 * 1024 * 1024

export async function readManifest(folder: string): Promise<Manifest> {
  const file = join(folder, MANIFEST_FILE)
  if (!existsSync(folder)) throw new NotFoundError(`no such folder: ${folder}`, {suggestion: 'give the folder `kasumi audit export --out` wrote'})
  if (!existsSync(file))
    throw new NotFoundError(`${folder} has no ${MANIFEST_FILE}: it is not an audit bundle`, {
      suggestion: 'give the folder `kasumi audit export --out` wrote',
    })
  const stats = lstatSync(file)
  if (!stats.isFile())
    throw new InvalidInputError(`${file} is not a regular file`, [{file, message: 'a bundle holds only regular files; a link is not followed'}])
  if (stats.size > MANIFEST_LIMIT)
    throw new InvalidInputError(`${file} is ${stats.size.toLocaleString('en')} bytes, larger than any manifest kasumi writes`, [
      {file, message: `the limit is ${MANIFEST_LIMIT.toLocaleString('en')} bytes`},
    ])
  let manifest: Manifest
  try {
    manifest = JSON.parse(await readFile(file, 'utf8')) as Manifest
  } catch (error) {
    throw new InvalidInputError(`${file} is not valid JSON`, [{file, message: (error as Error).message}])
  }
  const problems: string[] = []
  if (manifest?.kind !== MANIFEST_KIND) problems.push(`kind is ${JSON.stringify(manifest?.kind)}, not ${MANIFEST_KIND}`)
  if (manifest?.formatVersion !== MANIFEST_FORMAT_VERSION)
    problems.push(`formatVersion ${JSON.stringify(manifest?.formatVersion)} is not ${MANIFEST_FORMAT_VERSION}`)
  for (const key of ['inputs', 'outputs', 'checks'] as const) if (!Array.isArray(manifest?.[key])) problems.push(`${key} is not a list`)
  if (!manifest?.estimate || typeof manifest.estimate !== 'object') problems.push('estimate is missing')
  if (problems.length > 0)
    throw new InvalidInputError(
      `${file} is not an audit manifest this kasumi reads`,
      problems.map((message) => ({file, message})),
    )
  return manifest
}

/** Every entry under a folder, without following links: regular files, and anything else (links, pipes, devices) apart. */
async function walk(folder: string): Promise<{files: string[]; refused: Array<{path: string; what: string}>}> {
  const files: string[] = []
  const refused: Array<{path: string; what: string}> = []
  const visit = async (relative: string) => {
    for (const entry of await readdir(relative ? join(folder, relative) : folder, {withFileTypes: true})) {
      const path = relative ? `${relative}/${entry.name}` : entry.name
      if (entry.isSymbolicLink()) refused.push({path, what: 'a symbolic link'})
      else if (entry.isDirectory()) await visit(path)
      else if (entry.isFile()) files.push(path)
      else refused.push({path, what: 'not a regular file (a pipe, socket or device)'})
    }
  }
  await visit('')
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  return {files: files.sort(order), refused: refused.sort((a, b) => order(a.path, b.path))}
}

/**
 * Verifies an audit bundle, reading nothing outside it and following no link:
 *
 * 1. layout: only regular files and folders (a link or a special file is
 *    refused, and nothing more is read), and only the files the manifest
 *    lists (plus its marker and signature; --allow-extra makes others a note);
 * 2. the signature in manifest.sig over manifest.json's bytes (Ed25519), with
 *    the given public key when there is one (a bundle without a signature
 *    fails when a key is given);
 * 3. every input and output file against its recorded SHA-256 and size;
 * 4. the estimate re-run from the bundled inputs alone (a fresh temporary
 *    SQLite store, the normal import code, the bundled scenario): every
 *    recorded figure and reconciliation check compared;
 * 5. the report re-derived from the re-run with the recorded version, time,
 *    command and formats, and compared with the bundled one byte for byte
 *    (the workbook cell by cell: its zip container carries the time it was
 *    written), and the marker re-derived likewise.
 *
 * Returns the result; it is `ok` only when nothing differs.
 */
export async function verifyBundle(folder: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const progress = options.onProgress ?? (() => {})
  const checks: VerifyCheck[] = []
  const mismatches: Mismatch[] = []
  const notes: string[] = []
  const proved: string[] = []
  const result = (signature?: SignatureCheck): VerifyResult => ({
    formatVersion: VERIFY_FORMAT_VERSION,
    ok: mismatches.length === 0,
    bundle: folder,
    checks,
    mismatches,
    notes,
    proved: mismatches.length === 0 ? proved : [],
    ...(signature ? {signature} : {}),
  })

  if (existsSync(folder) && !(await lstat(folder)).isDirectory() && !(await lstat(folder)).isSymbolicLink())
    throw new NotFoundError(`${folder} is not a folder`, {suggestion: 'give the folder `kasumi audit export --out` wrote'})
  // The manifest first (a regular file, checked without following a link): a folder that is no bundle is not walked.
  const manifest = await readManifest(folder)
  const {refused} = await walk(folder)
  if (refused.length > 0) {
    for (const entry of refused) {
      checks.push({kind: 'layout', name: entry.path, ok: false})
      mismatches.push({
        file: entry.path,
        message: `${entry.what}: refused, a bundle holds only regular files and folders (nothing else in the bundle was read)`,
      })
    }
    return result()
  }
  const manifestBytes = await readFile(join(folder, MANIFEST_FILE))
  const {files} = await walk(folder)

  progress('Checking the signature…')
  let signature: SignatureCheck | undefined
  if (files.includes(SIGNATURE_FILE)) {
    signature = checkSignature(manifestBytes, await readFile(join(folder, SIGNATURE_FILE), 'utf8'), options.key)
    checks.push({kind: 'signature', name: SIGNATURE_FILE, ok: signature.valid, actual: signature.fingerprint})
    if (!signature.valid) mismatches.push({file: SIGNATURE_FILE, figure: 'signature', message: signature.problem ?? 'the signature does not verify'})
    else if (signature.trusted) proved.push(`manifest.json is signed (Ed25519) by the key you gave, ${signature.fingerprint}, and unchanged since`)
    else {
      proved.push(`manifest.json is signed (Ed25519) by the key ${signature.fingerprint} that manifest.sig carries, and unchanged since`)
      notes.push(
        `the signature was checked with the key the bundle carries (${signature.fingerprint}); pass --key with the signer's public key to prove who signed it`,
      )
    }
  } else if (options.key) {
    checks.push({kind: 'signature', name: SIGNATURE_FILE, ok: false})
    mismatches.push({file: SIGNATURE_FILE, figure: 'signature', message: 'missing: --key asks for a signed bundle, and this one is not signed'})
    signature = {valid: false, trusted: false, problem: 'not signed'}
  } else {
    notes.push('the bundle is not signed: it proves that its files agree with each other, not who made them')
  }

  progress('Hashing the files…')
  const listed = new Set<string>([MANIFEST_FILE, OUTPUT_MARKER, SIGNATURE_FILE])
  const present = new Set<string>()
  let hashed = 0
  for (const [kind, entries] of [
    ['input', manifest.inputs],
    ['output', manifest.outputs],
  ] as const) {
    for (const entry of entries) {
      listed.add(entry.path)
      const ok = await checkFile(folder, kind, entry, checks, mismatches)
      if (ok !== 'missing') present.add(entry.path)
      hashed++
    }
  }
  const hashesHeld = checks.filter((check) => check.kind === 'input' || check.kind === 'output').every((check) => check.ok)
  if (hashesHeld) proved.push(`every one of the ${hashed} files the manifest lists has its recorded SHA-256 and size`)
  const extra = files.filter((path) => !listed.has(path))
  for (const path of extra) {
    checks.push({kind: 'layout', name: path, ok: options.allowExtra === true})
    if (options.allowExtra) notes.push(`${path} is not listed in the manifest (not verified; allowed by --allow-extra)`)
    else mismatches.push({file: path, message: 'not listed in the manifest (pass --allow-extra to allow files added to a bundle)'})
  }
  if (extra.length === 0) {
    checks.push({kind: 'layout', name: 'every file listed', ok: true})
    proved.push('the bundle holds no link, no special file and no file the manifest does not list')
  }

  progress('Re-running the estimate from the bundled inputs…')
  await rerun(folder, manifest, present, checks, mismatches, proved, options)
  return result(signature)
}

async function checkFile(
  folder: string,
  kind: 'input' | 'output',
  entry: {path: string; sha256: string; bytes: number},
  checks: VerifyCheck[],
  mismatches: Mismatch[],
): Promise<'ok' | 'changed' | 'missing'> {
  let path: string
  try {
    path = safeJoin(folder, entry.path)
  } catch {
    checks.push({kind, name: entry.path, ok: false})
    mismatches.push({file: entry.path, message: 'the manifest names a file outside the bundle'})
    return 'missing'
  }
  if (!existsSync(path)) {
    checks.push({kind, name: entry.path, ok: false, expected: entry.sha256})
    mismatches.push({file: entry.path, message: 'missing from the bundle'})
    return 'missing'
  }
  const found = await hashFile(path)
  const ok = found.sha256 === entry.sha256 && found.bytes === entry.bytes
  checks.push({kind, name: entry.path, ok, expected: entry.sha256, actual: found.sha256})
  if (found.sha256 !== entry.sha256)
    mismatches.push({
      file: entry.path,
      figure: 'sha256',
      expected: entry.sha256,
      actual: found.sha256,
      message: 'the content differs from the recorded SHA-256',
    })
  if (found.bytes !== entry.bytes)
    mismatches.push({file: entry.path, figure: 'bytes', expected: String(entry.bytes), actual: String(found.bytes), message: 'the size differs'})
  return ok ? 'ok' : 'changed'
}

const IMPORT_ORDER: ReadonlyArray<{role: Kind; kind: Kind}> = [
  {role: 'ministries', kind: 'ministries'},
  {role: 'systems', kind: 'systems'},
  {role: 'costs', kind: 'costs'},
  // The citizens' side, when the bundle's scenario has service measures.
  {role: 'procedures', kind: 'procedures'},
  {role: 'documents', kind: 'documents'},
  {role: 'life-events', kind: 'life-events'},
]

async function rerun(
  folder: string,
  manifest: Manifest,
  present: ReadonlySet<string>,
  checks: VerifyCheck[],
  mismatches: Mismatch[],
  proved: string[],
  options: VerifyOptions,
): Promise<void> {
  const byRole = new Map<string, BundleInput>(manifest.inputs.map((input) => [input.role, input]))
  const required = ['systems', 'costs', 'scenario'] as const
  const absent = required.filter((role) => !byRole.has(role) || !present.has(byRole.get(role)!.path))
  if (absent.length > 0) {
    checks.push({kind: 'rerun', name: 'estimate', ok: false})
    mismatches.push({
      file: MANIFEST_FILE,
      figure: 'estimate',
      message: `the estimate cannot be re-run without ${absent.map((role) => byRole.get(role)?.path ?? INPUT_PATHS[role]).join(', ')}`,
    })
    return
  }
  const temporary = await mkdtemp(join(tmpdir(), 'kasumi-verify-'))
  const {store} = await openStore(join(temporary, 'kasumi.db'), {create: true})
  const fail = (file: string, message: string) => {
    checks.push({kind: 'rerun', name: 'estimate', ok: false})
    mismatches.push({file, figure: 'estimate', message})
  }
  try {
    await initStore(store, {created: true, actor: 'kasumi audit verify', ministries: await bundledMinistries()})
    for (const {role, kind} of IMPORT_ORDER) {
      const input = byRole.get(role)
      if (!input) continue
      try {
        const summary = await importFile(store, safeJoin(folder, input.path), {
          kind,
          encoding: 'utf-8',
          calendar: 'gregorian',
          onConflict: 'update',
          dryRun: false,
          actor: 'kasumi audit verify',
          command: `kasumi audit verify ${folder}`,
          maxIssues: 20,
        })
        const ok = summary.records === input.rows
        checks.push({kind: 'rerun', name: `${input.path} rows`, ok, expected: String(input.rows), actual: String(summary.records)})
        if (!ok)
          mismatches.push({
            file: input.path,
            figure: 'rows',
            expected: String(input.rows),
            actual: String(summary.records),
            message: `the number of ${input.rowsOf} differs`,
          })
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error
        fail(
          input.path,
          `the bundled file does not import: ${error.message}${error.issues.length ? ` — ${error.issues.slice(0, 3).map(formatIssue).join('; ')}` : ''}`,
        )
        return
      }
    }
    const scenarioInput = byRole.get('scenario')!
    let loaded
    try {
      loaded = await loadScenario(safeJoin(folder, scenarioInput.path))
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error
      fail(scenarioInput.path, `the bundled scenario does not load: ${error.message}`)
      return
    }
    const {scenario, warnings} = loaded
    // The estimate names the scenario file it ran: the original, as the manifest records it.
    if (typeof manifest.scenario?.source === 'string') scenario.file = manifest.scenario.source
    // The scenario names its exchange rates relative to where it was; the bundle holds them beside it.
    const rates = byRole.get('exchange-rates')
    if (rates) scenario.exchangeRates = safeJoin(folder, rates.path)
    else if (scenario.exchangeRates) {
      fail(scenarioInput.path, 'the scenario names exchange rates the bundle does not hold')
      return
    }
    let views
    try {
      views = await estimateViews(store, scenario, warnings)
    } catch (error) {
      if (!(error instanceof UserError)) throw error
      fail(scenarioInput.path, `the estimate fails on the bundled inputs: ${error.message}`)
      return
    }
    checks.push({kind: 'rerun', name: 'estimate', ok: true})
    const before = mismatches.length
    compareFigures(manifest, recordedEstimate(views.run.result), checks, mismatches)
    compareChecks(manifest.checks, reconciliationChecks(views.run.result, views.byMeasure), checks, mismatches)
    if (mismatches.length === before) {
      proved.push(
        `the estimate re-run from the bundled inputs alone gives every one of the ${checks.filter((check) => check.kind === 'figure').length} recorded figures and ${checks.filter((check) => check.kind === 'reconciliation').length} reconciliation checks, all holding`,
      )
    }
    await rederive(folder, manifest, store, views, checks, mismatches, proved, options)
  } finally {
    await store.close()
    await rm(temporary, {recursive: true, force: true})
  }
}

function compareFigures(manifest: Manifest, recomputed: unknown, checks: VerifyCheck[], mismatches: Mismatch[]): void {
  const recorded = figures(manifest.estimate)
  const found = figures(recomputed)
  for (const name of new Set([...recorded.keys(), ...found.keys()])) {
    const expected = recorded.get(name)
    const actual = found.get(name)
    const ok = expected === actual
    checks.push({kind: 'figure', name, ok, expected, actual})
    if (ok) continue
    const message =
      expected === undefined
        ? 'not recorded in the manifest'
        : actual === undefined
          ? 'recorded, but the re-run has no such figure'
          : 'the re-run from the bundled inputs gives another figure'
    mismatches.push({file: MANIFEST_FILE, figure: name, expected, actual, message})
  }
}

function compareChecks(recorded: readonly AuditCheck[], recomputed: readonly AuditCheck[], checks: VerifyCheck[], mismatches: Mismatch[]): void {
  const before = new Map(recorded.map((check) => [check.id, check]))
  const after = new Map(recomputed.map((check) => [check.id, check]))
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(id)
    const now = after.get(id)
    const same = old !== undefined && now !== undefined && old.expected === now.expected && old.actual === now.actual && old.ok === now.ok
    const ok = same && now.ok
    checks.push({kind: 'reconciliation', name: id, ok, expected: now?.expected ?? old?.expected, actual: now?.actual})
    if (ok) continue
    const figure = `checks.${id}`
    if (!old) mismatches.push({file: MANIFEST_FILE, figure, message: 'a reconciliation check the manifest does not record'})
    else if (!now) mismatches.push({file: MANIFEST_FILE, figure, message: 'recorded, but the re-run has no such check'})
    else if (!same)
      mismatches.push({
        file: MANIFEST_FILE,
        figure,
        expected: `${old.expected} = ${old.actual} (${old.ok ? 'ok' : 'failed'})`,
        actual: `${now.expected} = ${now.actual} (${now.ok ? 'ok' : 'failed'})`,
        message: `${now.description}: the re-run gives other figures`,
      })
    else mismatches.push({file: MANIFEST_FILE, figure, expected: now.expected, actual: now.actual, message: `${now.description}: does not reconcile`})
  }
}

const SHOWN = 60

/** A short excerpt of a text around a position, for a mismatch message. */
function excerpt(text: string, at: number): string {
  const start = Math.max(0, at - SHOWN / 2)
  // Control characters (line ends, escapes) as spaces: the excerpt is one line of a message.
  const piece = [...text.slice(start, start + SHOWN)].map((char) => (char.charCodeAt(0) < 0x20 || char === '\u007F' ? ' ' : char)).join('')
  return `${start > 0 ? '…' : ''}${piece}${start + SHOWN < text.length ? '…' : ''}`
}

/** Where two texts first differ: line (1-based) and excerpts of both. */
function firstDifference(bundled: string, derived: string): {line: number; expected: string; actual: string} {
  let at = 0
  while (at < bundled.length && at < derived.length && bundled[at] === derived[at]) at++
  const line = bundled.slice(0, at).split('\n').length
  return {line, expected: excerpt(bundled, at), actual: excerpt(derived, at)}
}

/** The cells of a workbook, by sheet!address: value and number format. */
async function workbookCells(content: Buffer): Promise<Map<string, string>> {
  const {default: ExcelJS} = await import('exceljs')
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(content as unknown as ArrayBuffer)
  const cells = new Map<string, string>()
  workbook.eachSheet((sheet, index) => {
    cells.set(`#${index}`, sheet.name)
    sheet.eachRow({includeEmpty: false}, (row) => {
      row.eachCell({includeEmpty: false}, (cell) => {
        cells.set(`${sheet.name}!${cell.address}`, `${JSON.stringify(cell.value)}${cell.numFmt ? ` [${cell.numFmt}]` : ''}`)
      })
    })
  })
  return cells
}

async function compareDerived(path: string, bundled: Buffer, derived: Buffer, checks: VerifyCheck[], mismatches: Mismatch[]): Promise<void> {
  if (bundled.equals(derived)) {
    checks.push({kind: 'derived', name: path, ok: true, expected: 'bytes', actual: 'bytes'})
    return
  }
  if (path.endsWith('.xlsx')) {
    // The zip container records when each part was written: compare the workbook cell by cell.
    let before: Map<string, string>
    try {
      before = await workbookCells(bundled)
    } catch (error) {
      checks.push({kind: 'derived', name: path, ok: false})
      mismatches.push({file: path, message: `not a workbook kasumi can read: ${(error as Error).message}`})
      return
    }
    const after = await workbookCells(derived)
    const differing = [...new Set([...before.keys(), ...after.keys()])].filter((key) => before.get(key) !== after.get(key))
    checks.push({kind: 'derived', name: path, ok: differing.length === 0, expected: 'cells', actual: 'cells'})
    for (const key of differing.slice(0, 20)) {
      mismatches.push({
        file: path,
        figure: key,
        expected: before.get(key),
        actual: after.get(key),
        message: 'the cell differs from the workbook re-derived from the bundled inputs',
      })
    }
    if (differing.length > 20) mismatches.push({file: path, message: `… and ${differing.length - 20} more cells differ`})
    return
  }
  checks.push({kind: 'derived', name: path, ok: false, expected: 'bytes', actual: 'bytes'})
  if (/\.(html|md|csv|json)$/.test(path)) {
    const difference = firstDifference(bundled.toString('utf8'), derived.toString('utf8'))
    mismatches.push({
      file: path,
      figure: `line ${difference.line}`,
      expected: difference.expected,
      actual: difference.actual,
      message: 'differs from the report re-derived from the bundled inputs',
    })
  } else {
    // A binary file (PDF, PNG): where the bytes first differ.
    let at = 0
    while (at < bundled.length && at < derived.length && bundled[at] === derived[at]) at++
    mismatches.push({
      file: path,
      figure: `byte ${at}`,
      expected: `${bundled.length} bytes`,
      actual: `${derived.length} bytes`,
      message: 'differs from the report re-derived from the bundled inputs',
    })
  }
}

/**
 * Re-derives the report (and the marker) from the re-run estimate with the
 * recorded formats, language, version, time and command, and compares every
 * file with the bundled one. Only the kasumi version that made a bundle can
 * re-derive its bytes; under another version the verification fails, naming
 * the version that can.
 */
async function rederive(
  folder: string,
  manifest: Manifest,
  store: Store,
  views: EstimateViews,
  checks: VerifyCheck[],
  mismatches: Mismatch[],
  proved: string[],
  options: VerifyOptions,
): Promise<void> {
  if (options.kasumi !== undefined && options.kasumi !== manifest.kasumi) {
    // Not a note: a forger could otherwise name another version to skip the re-derivation.
    checks.push({kind: 'derived', name: 'report', ok: false, expected: manifest.kasumi, actual: options.kasumi})
    mismatches.push({
      file: MANIFEST_FILE,
      figure: 'kasumi',
      expected: manifest.kasumi,
      actual: options.kasumi,
      message: `the report can be re-derived byte for byte only by the kasumi version that made the bundle: verify it with that version (npx kasumi@${manifest.kasumi} audit verify)`,
    })
    return
  }
  const lang = manifest.report?.lang as Lang
  let formats
  try {
    if (!LANGS.includes(lang)) throw new Error(`language ${JSON.stringify(manifest.report?.lang)}`)
    formats = formatsOf(Array.isArray(manifest.report?.formats) ? manifest.report.formats.map(String) : [])
  } catch (error) {
    checks.push({kind: 'derived', name: 'report', ok: false})
    mismatches.push({
      file: MANIFEST_FILE,
      figure: 'report',
      message: `the recorded report settings are not ones kasumi makes: ${(error as Error).message}`,
    })
    return
  }
  const before = mismatches.length
  const document = await estimateDocument(store, views, lang)
  const rendered: RenderedFile[] = await renderBundleReport(document, {
    formats,
    kasumi: manifest.kasumi,
    createdAt: manifest.createdAt,
    command: manifest.command,
    inputs: manifest.inputs,
  })
  const derived = new Map<string, Buffer>(
    rendered.map((file) => [`${REPORT_DIR}/${file.path}`, Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content)]),
  )
  // The marker lists every file the export wrote: the inputs, the outputs, the manifest and, when signed, its signature.
  const written = [
    ...manifest.inputs.map((input) => input.path),
    ...manifest.outputs.map((output) => output.path),
    MANIFEST_FILE,
    ...(existsSync(join(folder, SIGNATURE_FILE)) ? [SIGNATURE_FILE] : []),
  ]
  derived.set(OUTPUT_MARKER, Buffer.from(markerContent('audit-bundle', manifest.kasumi, manifest.createdAt, written)))
  const recorded = new Set(manifest.outputs.map((output) => output.path))
  for (const path of recorded) {
    if (!derived.has(path)) {
      checks.push({kind: 'derived', name: path, ok: false})
      mismatches.push({file: path, message: 'the manifest lists it, but the report re-derived from the bundled inputs has no such file'})
    }
  }
  for (const [path, content] of derived) {
    if (path !== OUTPUT_MARKER && !recorded.has(path)) {
      checks.push({kind: 'derived', name: path, ok: false})
      mismatches.push({file: path, message: 'the report re-derived from the bundled inputs has it, but the manifest does not list it'})
      continue
    }
    const file = safeJoin(folder, path)
    if (!existsSync(file)) {
      if (path === OUTPUT_MARKER) {
        checks.push({kind: 'derived', name: path, ok: false})
        mismatches.push({file: path, message: 'missing: every bundle holds the marker kasumi writes'})
      }
      continue
    }
    await compareDerived(path, await readFile(file), content, checks, mismatches)
  }
  if (mismatches.length === before) {
    const byCells = checks.filter((check) => check.kind === 'derived' && check.actual === 'cells').length
    proved.push(
      `the report re-derived from the bundled inputs (kasumi ${manifest.kasumi}, ${manifest.createdAt}) is identical to the bundled one: ${derived.size - byCells} files byte for byte${byCells ? `, ${byCells} workbook${byCells === 1 ? '' : 's'} cell by cell` : ''}`,
    )
  }
}
