import type {EstimateResult} from '../estimate/results.js'
import type {ExportKind} from '../inventory/export.js'
import type {AuditCheck} from './checks.js'

/**
 * The manifest of an audit bundle (`manifest.json`): what was run, on which
 * inputs (each with SHA-256, size and row count), what it produced (each
 * output file with SHA-256 and size), the estimate's totals and the
 * reconciliation checks. `kasumi audit verify` checks a bundle against it.
 *
 * A bundle:
 *   manifest.json
 *   inputs/ministries.csv, systems.csv, costs.csv   the register snapshot (UTF-8, no BOM)
 *   inputs/scenario.yaml                            the scenario file as it was
 *   inputs/exchange-rates.csv                       when the scenario names one
 *   report/                                         the report (json, csv, xlsx, html, md, png)
 */
export const MANIFEST_FILE = 'manifest.json'
export const MANIFEST_KIND = 'kasumi-audit-bundle'
export const MANIFEST_FORMAT_VERSION = 1

export const INPUTS_DIR = 'inputs'
export const REPORT_DIR = 'report'

export type InputRole = Exclude<ExportKind, 'facilities'> | 'scenario' | 'exchange-rates'

/** Where each input is in a bundle. */
export const INPUT_PATHS: Record<InputRole, string> = {
  ministries: `${INPUTS_DIR}/ministries.csv`,
  systems: `${INPUTS_DIR}/systems.csv`,
  costs: `${INPUTS_DIR}/costs.csv`,
  procedures: `${INPUTS_DIR}/procedures.csv`,
  documents: `${INPUTS_DIR}/documents.csv`,
  'life-events': `${INPUTS_DIR}/life-events.csv`,
  scenario: `${INPUTS_DIR}/scenario.yaml`,
  'exchange-rates': `${INPUTS_DIR}/exchange-rates.csv`,
}

export interface BundleInput {
  role: InputRole
  /** Path in the bundle, with /. */
  path: string
  sha256: string
  bytes: number
  rows: number
  /** What a row is: ministries, systems, cost lines, measures (of the scenario), rates. */
  rowsOf: string
  /** Where it came from: the store's table, or the original file. */
  source: string
}

export interface BundleOutput {
  path: string
  sha256: string
  bytes: number
}

/** The estimate's figures as recorded: the JSON contract's totals, the effects totals and the joint-use summary. */
export interface RecordedEstimate {
  totals: EstimateResult['totals']
  effects: EstimateResult['effects']['totals']
  jointUse: EstimateResult['effects']['jointUseSummary']
}

export interface Manifest {
  formatVersion: typeof MANIFEST_FORMAT_VERSION
  kind: typeof MANIFEST_KIND
  kasumi: string
  createdAt: string
  command: string
  scenario: {name: string; source: string}
  report: {formats: string[]; lang: string}
  inputs: BundleInput[]
  outputs: BundleOutput[]
  estimate: RecordedEstimate
  checks: AuditCheck[]
}

export function recordedEstimate(result: EstimateResult): RecordedEstimate {
  return {totals: result.totals, effects: result.effects.totals, jointUse: result.effects.jointUseSummary}
}

/**
 * Every figure of a nested value by name, as a reader would write it:
 * `totals.npv`, `totals.byYear[3].savings`. Leaves are strings (null as "null").
 */
export function figures(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (node: unknown, name: string) => {
    if (Array.isArray(node)) node.forEach((item, index) => walk(item, `${name}[${index}]`))
    else if (node !== null && typeof node === 'object') for (const [key, item] of Object.entries(node)) walk(item, name ? `${name}.${key}` : key)
    else if (node !== undefined) out.set(name, node === null ? 'null' : String(node))
  }
  walk(value, prefix)
  return out
}
