import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, expect} from 'vitest'
import YAML from 'yaml'

import type {CostPool} from '../../src/domain/inventory.js'
import {Dec} from '../../src/domain/money.js'
import {evaluate, plan, WIDTH, M, type Dimension, type Ledger, type Metric} from '../../src/estimate/engine.js'
import {ratio} from '../../src/estimate/exact.js'
import {POOLS, POOL_INDEX, type Scenario, type SystemInput} from '../../src/estimate/model.js'
import {buildResult, type EstimateResult} from '../../src/estimate/results.js'
import {parseScenario} from '../../src/estimate/scenario.js'
import {kasumi, tempDir, type CommandResult} from '../support/cli.js'
import type {Backend} from '../support/stores.js'

export type Pools = Partial<Record<CostPool, number>>

export interface SystemSpec {
  id?: string
  ministry?: string
  category?: SystemInput['category']
  area?: string
  status?: SystemInput['status']
  eligibility?: SystemInput['eligibility']
  tags?: string[]
  servers?: number
  /** Utilisation in percent, as the register writes it (35.5), or null when unknown. */
  utilisation?: string | null
  users?: number
  /** Annual processing hours. */
  hours?: string
  lastYear?: number | null
  /** Base-year recurring cost per pool, yen. */
  recurring?: Pools
  /** Planned one-time costs after the base year: year → per pool, yen. */
  planned?: Record<number, Pools>
}

const poolsOf = (pools: Pools = {}): number[] => POOLS.map((pool) => pools[pool] ?? 0)

/** Builds the register as the engine sees it; each system's index is its position. */
export function register(...specs: SystemSpec[]): SystemInput[] {
  return specs.map((spec, index) => ({
    index,
    id: spec.id ?? `S-${index + 1}`,
    ministry: spec.ministry ?? 'mic',
    category: spec.category ?? 'common',
    area: spec.area ?? 'area',
    status: spec.status ?? 'active',
    eligibility: spec.eligibility ?? 'eligible',
    tags: spec.tags ?? [],
    physicalServers: spec.servers ?? 0,
    virtualHosts: 0,
    osInstances: spec.servers ?? 0,
    utilisation: spec.utilisation === undefined || spec.utilisation === null ? null : ratio(new Dec(spec.utilisation).dividedBy(100).toFixed()),
    users: spec.users ?? 0,
    centiHours: new Dec(spec.hours ?? '0').times(100).toNumber(),
    lastYear: spec.lastYear ?? null,
    recurring: poolsOf(spec.recurring),
    planned: new Map(Object.entries(spec.planned ?? {}).map(([year, pools]) => [Number(year), poolsOf(pools)])),
  }))
}

/**
 * A scenario from an object (written to YAML and read back through the real
 * loader). Defaults: base year 2008, horizon 2009–2013, JPY, money in yen
 * (moneyUnit one), no discounting, no inflation.
 */
export async function scenarioOf(fields: Record<string, unknown>): Promise<Scenario> {
  const text = YAML.stringify({
    name: 'test',
    baseYear: 2008,
    horizon: [2009, 2013],
    currency: 'JPY',
    moneyUnit: 'one',
    discount: {rate: 0},
    ...fields,
  })
  const {scenario} = await parseScenario(text, 'test.yaml')
  return scenario
}

export interface Estimate {
  ledger: Ledger
  result: EstimateResult
}

export function estimate(
  scenario: Scenario,
  systems: SystemInput[],
  options: {by?: Dimension | 'year'; from?: number; to?: number; ministryOrder?: string[]} = {},
): Estimate {
  const by = options.by ?? 'measure'
  const ledger = evaluate(plan(scenario, systems), new Map(), {keepSystems: true})
  const result = buildResult(scenario, ledger, {by, from: options.from, to: options.to, ministryOrder: options.ministryOrder})
  return {ledger, result}
}

/** One metric of a roll-up (or the total) for every horizon year. */
export function series(cells: Float64Array, metric: Metric): number[] {
  const out: number[] = []
  for (let index = 0; index < cells.length / WIDTH; index++) out.push(cells[index * WIDTH + M[metric]])
  return out
}

export function totalSeries(ledger: Ledger, metric: Metric): number[] {
  return series(ledger.total, metric)
}

export function systemSeries(ledger: Ledger, id: string, metric: Metric): number[] {
  const cells = ledger.rollups.system.get(id)
  if (!cells) throw new Error(`no system ${id} in the ledger`)
  return series(cells, metric)
}

export function measureSeries(ledger: Ledger, id: string, metric: Metric): number[] {
  const cells = ledger.rollups.measure.get(id)
  if (!cells) throw new Error(`no measure ${id} in the ledger`)
  return series(cells, metric)
}

/** Full run-rate recurring saving of one system (its last horizon year). */
export function runRate(ledger: Ledger, id: string): number {
  return systemSeries(ledger, id, 'savings').at(-1)!
}

/** Exact sum of decimal strings. */
export function decSum(values: readonly string[]): string {
  return values.reduce((total, value) => total.plus(value), new Dec(0)).toFixed()
}

/** Same decimal value, whatever the trailing zeros. */
export function sameAmount(actual: string, expected: string, label = ''): void {
  expect(new Dec(actual).equals(expected), `${label}: ${actual} ≠ ${expected}`).toBe(true)
}

export {POOL_INDEX}

/* ---------- the built CLI and a store ---------- */

/** Runs the built CLI with topic words given apart: `run(['inventory', 'import', …])`. */
export function run(argv: string[]): Promise<CommandResult> {
  return kasumi(argv)
}

export async function ok(argv: string[]): Promise<CommandResult> {
  const result = await kasumi(argv)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr}`).toBe(0)
  return result
}

export function writeFile(dir: string, name: string, text: string): string {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

export function csv(...lines: string[]): string {
  return `${lines.join('\n')}\n`
}

/** Fresh, initialised stores for one test file, dropped when the file is done. */
export function stores(): (backend: Backend) => Promise<string> {
  const drops: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const drop of drops) await drop()
  })
  return async (backend) => {
    const {url, drop} = await backend.fresh()
    drops.push(drop)
    await ok(['init', '--database', url])
    return url
  }
}

/** A store with a small register: systems and cost lines from CSV text. */
export async function storeWith(url: string, systemsCsv: string, costsCsv: string): Promise<void> {
  const dir = tempDir('kasumi-estimate-')
  await ok(['inventory', 'import', writeFile(dir, 'systems.csv', systemsCsv), '--database', url])
  await ok(['inventory', 'import', writeFile(dir, 'costs.csv', costsCsv), '--database', url])
}

export {tempDir}
