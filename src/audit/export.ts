import type {KeyObject} from 'node:crypto'
import {copyFile, mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {InputIssue} from '../domain/errors.js'
import {loadNamedScenario} from '../estimate/scenario.js'
import {exportToFile} from '../inventory/export.js'
import type {Lang} from '../domain/lang.js'
import type {ReportDocument} from '../report/model.js'
import type {RenderedFile} from '../report/render/types.js'
import {renderDocument, type Format} from '../report/render/index.js'
import {csvDataRows} from '../ingest/provenance.js'
import {estimateDocument, estimateViews, registerKinds} from '../report/run.js'
import {assertWritable, hashFile, listFiles, writeFiles, writeFolder, type WrittenFile} from '../report/write.js'
import type {Store} from '../store/open.js'
import {reconciliationChecks} from './checks.js'
import {SIGNATURE_FILE, signManifest, signatureContent} from './sign.js'
import {
  INPUT_PATHS,
  MANIFEST_FILE,
  MANIFEST_FORMAT_VERSION,
  MANIFEST_KIND,
  REPORT_DIR,
  recordedEstimate,
  type BundleInput,
  type InputRole,
  type Manifest,
} from './manifest.js'

export interface BundleRequest {
  scenario: string
  out: string
  force: boolean
  formats: Format[]
  lang: Lang
  kasumi: string
  command: string
  now?: Date
  /** An Ed25519 private key: the manifest is signed, the signature written to manifest.sig. */
  sign?: KeyObject
  onProgress?(message: string): void
}

export interface BundleOutcome {
  folder: string
  manifest: Manifest
  /** Every file of the bundle, manifest.json included. */
  files: WrittenFile[]
  warnings: InputIssue[]
}

const ROWS_OF: Record<InputRole, string> = {
  ministries: 'ministries',
  systems: 'systems',
  costs: 'cost lines',
  procedures: 'procedures',
  documents: 'documents',
  'life-events': 'procedures of life events',
  scenario: 'measures',
  'exchange-rates': 'rates',
}

/** What a bundle's report is made from besides the estimate: the recorded formats, version, time, command and inputs. */
export interface BundleReportSpec {
  formats: readonly Format[]
  kasumi: string
  createdAt: string
  command: string
  inputs: readonly BundleInput[]
}

/**
 * Renders a bundle's report: the estimate document with its provenance (the
 * bundled inputs by path) in the recorded formats. The same function makes
 * the report on export and re-derives it on verify, so that the same inputs,
 * version and time give the same bytes.
 */
export async function renderBundleReport(
  document: ReportDocument,
  spec: BundleReportSpec,
  progress: (message: string) => void = () => {},
): Promise<RenderedFile[]> {
  const withProvenance: ReportDocument = {
    ...document,
    provenance: {
      kasumi: spec.kasumi,
      createdAt: spec.createdAt,
      command: spec.command,
      inputs: spec.inputs.map((input) => ({role: input.role, file: input.path, sha256: input.sha256, rows: input.rows})),
    },
  }
  return renderDocument(withProvenance, spec.formats, {bom: true, onStep: (step) => progress(`Rendering ${step}…`)})
}

/**
 * Writes an audit bundle: the register snapshot and the scenario (with its
 * exchange rates), the report made from them, and the manifest that records
 * every hash, the estimate's totals and the reconciliation checks. The
 * estimate runs once; the folder is written atomically.
 */
export async function exportBundle(store: Store, request: BundleRequest): Promise<BundleOutcome> {
  const progress = request.onProgress ?? (() => {})
  assertWritable(request.out, request.force)
  const {scenario, warnings} = await loadNamedScenario(request.scenario)
  progress(`Estimating ${scenario.name}…`)
  const views = await estimateViews(store, scenario, warnings)
  const document = await estimateDocument(store, views, request.lang)
  const checks = reconciliationChecks(views.run.result, views.byMeasure)
  const createdAt = (request.now ?? new Date()).toISOString()
  let manifest: Manifest | undefined

  const files = await writeFolder(request.out, {force: request.force, kind: 'audit-bundle', kasumi: request.kasumi, createdAt}, async (folder) => {
    await mkdir(join(folder, 'inputs'), {recursive: true})
    const inputs: BundleInput[] = []
    const record = async (role: InputRole, rows: number, source: string) => {
      inputs.push({role, path: INPUT_PATHS[role], ...(await hashFile(join(folder, INPUT_PATHS[role]))), rows, rowsOf: ROWS_OF[role], source})
    }
    progress('Exporting the register…')
    for (const kind of registerKinds(scenario)) {
      // No BOM: the snapshot's bytes are what the hashes vouch for.
      const rows = await exportToFile(store, join(folder, INPUT_PATHS[kind]), {kind, format: 'csv', bom: false})
      await record(kind, rows, `${store.location}#${kind}`)
    }
    await copyFile(scenario.file!, join(folder, INPUT_PATHS.scenario))
    await record('scenario', scenario.measures.length, scenario.file!)
    if (scenario.exchangeRates) {
      await copyFile(scenario.exchangeRates, join(folder, INPUT_PATHS['exchange-rates']))
      await record('exchange-rates', await csvDataRows(scenario.exchangeRates), scenario.exchangeRates)
    }

    const rendered = await renderBundleReport(
      document,
      {formats: request.formats, kasumi: request.kasumi, createdAt, command: request.command, inputs},
      progress,
    )
    await writeFiles(join(folder, REPORT_DIR), rendered)
    const outputs = (await listFiles(join(folder, REPORT_DIR))).map((file) => ({...file, path: `${REPORT_DIR}/${file.path}`}))

    manifest = {
      formatVersion: MANIFEST_FORMAT_VERSION,
      kind: MANIFEST_KIND,
      kasumi: request.kasumi,
      createdAt,
      command: request.command,
      scenario: {name: scenario.name, source: scenario.file!},
      report: {formats: [...request.formats], lang: request.lang},
      inputs,
      outputs,
      estimate: recordedEstimate(views.run.result),
      checks,
    }
    const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)
    await writeFile(join(folder, MANIFEST_FILE), bytes)
    if (request.sign) await writeFile(join(folder, SIGNATURE_FILE), signatureContent(signManifest(bytes, request.sign)))
  })
  return {folder: request.out, manifest: manifest!, files, warnings}
}
