import type {InputIssue} from '../domain/errors.js'
import type {Ministry} from '../domain/inventory.js'
import {redactArgv} from '../domain/redact.js'
import type {Scenario} from '../estimate/model.js'
import {buildResult, type EstimateResult} from '../estimate/results.js'
import {estimateLoaded, type EstimateRun} from '../estimate/run.js'
import {loadNamedScenario} from '../estimate/scenario.js'
import {csvDataRows, inputFileRecord} from '../ingest/provenance.js'
import type {ExportKind} from '../inventory/export.js'
import {collectGarbage} from '../platform/memory.js'
import {REFERENCE_DIR} from '../platform/paths.js'
import {loadReferenceTable, totalsJson} from '../reference/jp2009.js'
import type {Store} from '../store/open.js'
import {listMinistries} from '../store/register.js'
import {buildEstimateReport} from './build-estimate.js'
import {buildServicesSection} from './build-services.js'
import {buildReferenceReport} from './build-reference.js'
import type {ReportDocument} from './model.js'
import {registerInputs, registerInputsAside, type ProvenanceInput} from './register-inputs.js'
import type {Lang} from '../domain/lang.js'
import {renderAside, type AsideRendering} from './render/aside.js'
import {renderDocument, type Format} from './render/index.js'
import type {RenderedFile} from './render/types.js'
import {assertWritable, defaultReportFolder, writeReportFolder, type WrittenFile} from './write.js'

/**
 * The report service behind `kasumi report`: build the document (an estimate
 * run once, or a reference table), record its provenance, render the asked
 * formats and write the report folder atomically.
 */

export {registerInputs, type ProvenanceInput} from './register-inputs.js'

export interface ReportRequest {
  /** A scenario file or bundled scenario name; exactly one of scenario and reference. */
  scenario?: string
  /** A reference table id, e.g. jp-2009. */
  reference?: string
  referenceDir?: string
  formats: Format[]
  /** The report folder; default reports/out/<name>-<YYYY-MM-DD>/ under the current directory. */
  out?: string
  lang: Lang
  force: boolean
  templateDir?: string
  bom: boolean
  /** The kasumi version and the exact command line, for the provenance. */
  kasumi: string
  command: string
  now?: Date
  onProgress?(message: string): void
}

export interface ReportOutcome {
  folder: string
  files: WrittenFile[]
  /** The estimate's totals (the JSON contract's `totals`), or the reference table's. */
  totals: unknown
  document: ReportDocument
  warnings: InputIssue[]
  /** The font subsets report.html embeds (absent without the html format). */
  fonts?: EmbeddedFonts
}

/** The font subsets a report file embeds and the bytes they add to it. */
export type EmbeddedFonts = NonNullable<RenderedFile['fonts']> & {file: string}

/** The estimate once by ministry, and the same ledger rolled up by measure and by business area. */
export interface EstimateViews {
  run: EstimateRun
  byMeasure: EstimateResult
  byArea: EstimateResult
}

export async function estimateViews(store: Store, scenario: Scenario, warnings: InputIssue[]): Promise<EstimateViews> {
  const run = await estimateLoaded(store, scenario, warnings, {by: 'ministry'})
  const options = {ministryOrder: run.ministryOrder, hoursRecorded: run.hoursRecorded}
  return {
    run,
    byMeasure: buildResult(scenario, run.ledger, {...options, by: 'measure'}),
    byArea: buildResult(scenario, run.ledger, {...options, by: 'area'}),
  }
}

/** A ministry's name in a language; data falls back to the names the register has. */
export function ministryName(ministry: Ministry, lang: Lang): string {
  if (lang === 'zh-TW') return ministry.nameZh || ministry.nameJa || ministry.code
  if (lang === 'en') return ministry.nameEn || ministry.nameJa || ministry.nameZh || ministry.code
  return ministry.nameJa || ministry.nameZh || ministry.code
}

/** The estimate report document (without provenance). */
export async function estimateDocument(store: Store, views: EstimateViews, lang: Lang): Promise<ReportDocument> {
  const document = await systemsDocument(store, views, lang)
  const services = views.run.result.services
  if (services) {
    // The citizens' side, before the assumptions register: per life event before and after, with its charts.
    const at = document.sections.findIndex((section) => section.id === 'assumptions')
    document.sections.splice(at < 0 ? document.sections.length : at, 0, buildServicesSection(services, lang))
  }
  return document
}

async function systemsDocument(store: Store, views: EstimateViews, lang: Lang): Promise<ReportDocument> {
  const ministries = await listMinistries(store)
  const scenario = views.run.scenario
  return buildEstimateReport({
    scenario,
    byMinistry: views.run.result,
    byMeasure: views.byMeasure,
    byArea: views.byArea,
    ministryNames: new Map(ministries.map((ministry) => [ministry.code, ministryName(ministry, lang)])),
    measureLabels: new Map(scenario.measures.filter((measure) => measure.label).map((measure) => [measure.id, measure.label!])),
    lang,
  })
}

export const REGISTER_KINDS: ReadonlyArray<Exclude<ExportKind, 'facilities'>> = ['ministries', 'systems', 'costs']

/** The tables of the register an estimate reads: the citizens' side too when the scenario has service measures. */
export function registerKinds(scenario: Scenario): ReadonlyArray<Exclude<ExportKind, 'facilities'>> {
  return scenario.services?.measures.length ? [...REGISTER_KINDS, 'procedures', 'documents', 'life-events'] : REGISTER_KINDS
}

/** The scenario's own files as provenance: the scenario (rows: its measures) and its exchange rates. */
export async function scenarioInputs(scenario: Scenario): Promise<ProvenanceInput[]> {
  const inputs: ProvenanceInput[] = []
  if (scenario.file) inputs.push(await inputFileRecord('scenario', scenario.file, scenario.measures.length))
  if (scenario.exchangeRates) {
    inputs.push(await inputFileRecord('exchange-rates', scenario.exchangeRates, await csvDataRows(scenario.exchangeRates)))
  }
  return inputs
}

interface Built {
  document: ReportDocument
  totals: unknown
  inputs: ProvenanceInput[]
  warnings: InputIssue[]
}

/** The estimate once, its document, and the benchmark section placed before the assumptions. */
async function documentWithBench(store: Store, scenario: Scenario, warnings: InputIssue[], lang: Lang, progress: (message: string) => void) {
  progress(`Estimating ${scenario.name}…`)
  const views = await estimateViews(store, scenario, warnings)
  const document = await estimateDocument(store, views, lang)
  progress('Benchmarking ministries against their peers and the 2009 reference…')
  const {runBench} = await import('../bench/run.js')
  const {buildBenchmarkSection} = await import('./build-bench.js')
  const bench = await runBench(store, {run: views.run, by: 'ministry', reference: 'jp-2009'})
  const before = document.sections.findIndex((section) => section.id === 'assumptions')
  document.sections.splice(before < 0 ? document.sections.length : before, 0, buildBenchmarkSection(bench.result, lang))
  return {views, document, facilities: bench.result.facilities}
}

async function buildFromScenario(
  store: Store,
  scenarioRef: string,
  lang: Lang,
  progress: (message: string) => void,
  whenHashed: () => void,
): Promise<Built> {
  const {scenario, warnings} = await loadNamedScenario(scenarioRef)
  // The register's tables are hashed on a thread of their own while the estimate runs.
  const hashing = registerInputsAside(store, registerKinds(scenario))
  void hashing.settled().then(whenHashed)
  const {views, document, facilities} = await documentWithBench(store, scenario, warnings, lang, progress).catch(async (error: unknown) => {
    await hashing.cancel()
    throw error
  })
  progress('Hashing the inputs…')
  const inputs = [
    ...(await scenarioInputs(scenario)),
    ...(await hashing.inputs()),
    ...(facilities ? await registerInputs(store, ['facilities']) : []),
  ]
  // The benchmark's DCOI metrics of the facilities, exact as `kasumi bench --json` gives them, beside the estimate.
  if (facilities) document.data = {...(document.data as Record<string, unknown>), benchmark: {facilities}}
  return {document, totals: views.run.result.totals, inputs, warnings}
}

async function buildFromReference(id: string, folder: string, lang: Lang): Promise<Built> {
  const table = await loadReferenceTable(id, folder)
  const document = buildReferenceReport(table, lang)
  const inputs = [
    await inputFileRecord('reference-meta', table.files.meta),
    await inputFileRecord('reference-data', table.files.data, table.rows.length),
  ]
  return {document, totals: totalsJson(table.rows), inputs, warnings: []}
}

/**
 * The command line as typed, for the provenance, with credentials redacted
 * (a database URL's password becomes ***): arguments with spaces or shell
 * characters are single-quoted.
 */
export function commandLine(bin: string, id: string, argv: readonly string[]): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)
  return [bin, ...id.split(':'), ...redactArgv(argv).map(quote)].join(' ')
}

/** Builds, renders and writes a report; the store is opened only for a scenario. */
export async function runReport(request: ReportRequest, openStore: () => Promise<Store>): Promise<ReportOutcome> {
  const progress = request.onProgress ?? (() => {})
  if (request.out) assertWritable(request.out, request.force)
  // The workbook is rendered on a thread of its own beside the other formats; the thread starts when the register's
  // hashing thread is done (the estimate keeps this one busy until then), and loads exceljs meanwhile.
  let aside: AsideRendering | undefined
  let ended = false
  const startAside = () => {
    if (!ended && request.formats.includes('xlsx')) aside = renderAside(['xlsx'])
  }
  try {
    return await reportFrom(request, openStore, progress, () => aside, startAside)
  } finally {
    ended = true
    await aside?.cancel()
  }
}

async function reportFrom(
  request: ReportRequest,
  openStore: () => Promise<Store>,
  progress: (message: string) => void,
  aside: () => AsideRendering | undefined,
  whenHashed: () => void,
): Promise<ReportOutcome> {
  const built = request.scenario
    ? await buildFromScenario(await openStore(), request.scenario, request.lang, progress, whenHashed)
    : await buildFromReference(request.reference!, request.referenceDir ?? REFERENCE_DIR, request.lang)
  const now = request.now ?? new Date()
  const document: ReportDocument = {
    ...built.document,
    provenance: {kasumi: request.kasumi, createdAt: now.toISOString(), command: request.command, inputs: built.inputs},
  }
  const folder = request.out ?? defaultReportFolder(document.name, now)
  assertWritable(folder, request.force)
  // The estimate's register and ledger are garbage now: collected before the renderers allocate, rather than kept
  // resident beside them (a report of 100 000 systems peaked at some 420 MB without this, at some 320 MB with it).
  if (request.scenario) collectGarbage()
  const rendered = await renderDocument(document, request.formats, {
    templateDir: request.templateDir,
    bom: request.bom,
    aside: aside(),
    onStep: (step) => progress(`Rendering ${step}…`),
  })
  progress(`Writing ${folder}…`)
  const files = await writeReportFolder(folder, rendered, {force: request.force, kasumi: request.kasumi, createdAt: document.provenance!.createdAt})
  const withFonts = rendered.find((file) => file.fonts)
  const fonts = withFonts ? {file: withFonts.path, ...withFonts.fonts!} : undefined
  return {folder, files, totals: built.totals, document, warnings: built.warnings, ...(fonts ? {fonts} : {})}
}
