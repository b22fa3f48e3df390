import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ExitCode, InvalidInputError, NotFoundError, UserError, formatIssue} from '../domain/errors.js'
import {importFile} from '../ingest/import.js'
import type {Kind} from '../ingest/kinds.js'
import {loadScenario} from '../estimate/scenario.js'
import {estimateViews} from '../report/run.js'
import {hashFile, listPaths, safeJoin} from '../report/write.js'
import {bundledMinistries} from '../reference/ministries.js'
import {initStore} from '../store/init.js'
import {openStore} from '../store/open.js'
import {reconciliationChecks, type AuditCheck} from './checks.js'
import {INPUT_PATHS, MANIFEST_FILE, MANIFEST_FORMAT_VERSION, MANIFEST_KIND, figures, recordedEstimate, type BundleInput, type Manifest} from './manifest.js'

/** One thing verified: a file's hash and size, a recorded figure, a reconciliation check, or the re-run itself. */
export interface VerifyCheck {
  kind: 'input' | 'output' | 'figure' | 'reconciliation' | 'rerun'
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
  /** Things worth knowing that do not fail the verification (files the manifest does not list). */
  notes: string[]
}

const MESSAGE_CAP = 40

/** The bundle does not verify: exit 7, every mismatch listed. `details` is the whole result. */
export class VerificationError extends UserError {
  constructor(readonly result: VerifyResult) {
    const lines = result.mismatches.slice(0, MESSAGE_CAP).map((mismatch) => `  ${describeMismatch(mismatch)}`)
    if (result.mismatches.length > MESSAGE_CAP) lines.push(`  … and ${result.mismatches.length - MESSAGE_CAP} more (--json lists them all)`)
    super(`the audit bundle ${result.bundle} does not verify: ${result.mismatches.length} mismatch${result.mismatches.length === 1 ? '' : 'es'}\n${lines.join('\n')}`, {
      exitCode: ExitCode.verificationMismatch,
      suggestion: 'a changed input or output file, or figures the bundled inputs no longer give: compare the files named above with their originals',
      details: result,
    })
    this.name = 'VerificationError'
  }
}

export function describeMismatch(mismatch: Mismatch): string {
  const figure = mismatch.figure ? ` ${mismatch.figure}` : ''
  const values = mismatch.expected !== undefined || mismatch.actual !== undefined ? ` (recorded ${mismatch.expected ?? '—'}, found ${mismatch.actual ?? '—'})` : ''
  return `${mismatch.file}${figure}: ${mismatch.message}${values}`
}

export async function readManifest(folder: string): Promise<Manifest> {
  const file = join(folder, MANIFEST_FILE)
  if (!existsSync(folder)) throw new NotFoundError(`no such folder: ${folder}`, {suggestion: 'give the folder `kasumi audit export --out` wrote'})
  if (!existsSync(file)) throw new NotFoundError(`${folder} has no ${MANIFEST_FILE}: it is not an audit bundle`, {suggestion: 'give the folder `kasumi audit export --out` wrote'})
  let manifest: Manifest
  try {
    manifest = JSON.parse(await readFile(file, 'utf8')) as Manifest
  } catch (error) {
    throw new InvalidInputError(`${file} is not valid JSON`, [{file, message: (error as Error).message}])
  }
  const problems: string[] = []
  if (manifest?.kind !== MANIFEST_KIND) problems.push(`kind is ${JSON.stringify(manifest?.kind)}, not ${MANIFEST_KIND}`)
  if (manifest?.formatVersion !== MANIFEST_FORMAT_VERSION) problems.push(`formatVersion ${JSON.stringify(manifest?.formatVersion)} is not ${MANIFEST_FORMAT_VERSION}`)
  for (const key of ['inputs', 'outputs', 'checks'] as const) if (!Array.isArray(manifest?.[key])) problems.push(`${key} is not a list`)
  if (!manifest?.estimate || typeof manifest.estimate !== 'object') problems.push('estimate is missing')
  if (problems.length > 0) throw new InvalidInputError(`${file} is not an audit manifest this kasumi reads`, problems.map((message) => ({file, message})))
  return manifest
}

/**
 * Verifies an audit bundle: every input and output file against its recorded
 * SHA-256 and size; then the estimate re-run from the bundled inputs alone
 * (a fresh temporary SQLite store, the normal import code, the bundled
 * scenario) and every recorded figure and reconciliation check compared.
 * Returns the result; it is `ok` only when nothing differs.
 */
export async function verifyBundle(folder: string, options: {onProgress?(message: string): void} = {}): Promise<VerifyResult> {
  const progress = options.onProgress ?? (() => {})
  const manifest = await readManifest(folder)
  const checks: VerifyCheck[] = []
  const mismatches: Mismatch[] = []
  const notes: string[] = []

  progress('Hashing the files…')
  const listed = new Set<string>([MANIFEST_FILE])
  const present = new Set<string>()
  for (const [kind, entries] of [['input', manifest.inputs], ['output', manifest.outputs]] as const) {
    for (const entry of entries) {
      listed.add(entry.path)
      const ok = await checkFile(folder, kind, entry, checks, mismatches)
      if (ok !== 'missing') present.add(entry.path)
    }
  }
  for (const path of await listPaths(folder)) if (!listed.has(path)) notes.push(`${path} is not listed in the manifest (not verified)`)

  progress('Re-running the estimate from the bundled inputs…')
  await rerun(folder, manifest, present, checks, mismatches)
  return {formatVersion: VERIFY_FORMAT_VERSION, ok: mismatches.length === 0, bundle: folder, checks, mismatches, notes}
}

async function checkFile(folder: string, kind: 'input' | 'output', entry: {path: string; sha256: string; bytes: number}, checks: VerifyCheck[], mismatches: Mismatch[]): Promise<'ok' | 'changed' | 'missing'> {
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
  if (found.sha256 !== entry.sha256) mismatches.push({file: entry.path, figure: 'sha256', expected: entry.sha256, actual: found.sha256, message: 'the content differs from the recorded SHA-256'})
  if (found.bytes !== entry.bytes) mismatches.push({file: entry.path, figure: 'bytes', expected: String(entry.bytes), actual: String(found.bytes), message: 'the size differs'})
  return ok ? 'ok' : 'changed'
}

const IMPORT_ORDER: ReadonlyArray<{role: 'ministries' | 'systems' | 'costs'; kind: Kind}> = [
  {role: 'ministries', kind: 'ministries'},
  {role: 'systems', kind: 'systems'},
  {role: 'costs', kind: 'costs'},
]

async function rerun(folder: string, manifest: Manifest, present: ReadonlySet<string>, checks: VerifyCheck[], mismatches: Mismatch[]): Promise<void> {
  const byRole = new Map<string, BundleInput>(manifest.inputs.map((input) => [input.role, input]))
  const required = ['systems', 'costs', 'scenario'] as const
  const absent = required.filter((role) => !byRole.has(role) || !present.has(byRole.get(role)!.path))
  if (absent.length > 0) {
    checks.push({kind: 'rerun', name: 'estimate', ok: false})
    mismatches.push({file: MANIFEST_FILE, figure: 'estimate', message: `the estimate cannot be re-run without ${absent.map((role) => byRole.get(role)?.path ?? INPUT_PATHS[role]).join(', ')}`})
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
        const summary = await importFile(store, safeJoin(folder, input.path), {kind, encoding: 'utf-8', calendar: 'gregorian', onConflict: 'update', dryRun: false, actor: 'kasumi audit verify', command: `kasumi audit verify ${folder}`, maxIssues: 20})
        const ok = summary.records === input.rows
        checks.push({kind: 'rerun', name: `${input.path} rows`, ok, expected: String(input.rows), actual: String(summary.records)})
        if (!ok) mismatches.push({file: input.path, figure: 'rows', expected: String(input.rows), actual: String(summary.records), message: `the number of ${input.rowsOf} differs`})
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error
        fail(input.path, `the bundled file does not import: ${error.message}${error.issues.length ? ` — ${error.issues.slice(0, 3).map(formatIssue).join('; ')}` : ''}`)
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
    compareFigures(manifest, recordedEstimate(views.run.result), checks, mismatches)
    compareChecks(manifest.checks, reconciliationChecks(views.run.result, views.byMeasure), checks, mismatches)
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
    const message = expected === undefined ? 'not recorded in the manifest' : actual === undefined ? 'recorded, but the re-run has no such figure' : 'the re-run from the bundled inputs gives another figure'
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
    else if (!same) mismatches.push({file: MANIFEST_FILE, figure, expected: `${old.expected} = ${old.actual} (${old.ok ? 'ok' : 'failed'})`, actual: `${now.expected} = ${now.actual} (${now.ok ? 'ok' : 'failed'})`, message: `${now.description}: the re-run gives other figures`})
    else mismatches.push({file: MANIFEST_FILE, figure, expected: now.expected, actual: now.actual, message: `${now.description}: does not reconcile`})
  }
}
