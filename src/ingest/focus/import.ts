import {readFile} from 'node:fs/promises'
import {basename} from 'node:path'

import {parse} from 'csv-parse/sync'

import {InvalidInputError, UsageError, type InputIssue} from '../../domain/errors.js'
import {COST_POOLS, type CostLine} from '../../domain/inventory.js'
import {groupDigits} from '../../domain/money.js'
import type {Store} from '../../store/open.js'
import {writeImport} from '../../store/imports.js'
import {checkInputFile} from '../input-file.js'
import {sha256File} from '../import.js'
import {pushCostRow, type CostRows} from '../rows.js'
import {ExactSum} from './exact.js'
import {CHARGE_GROUPS, readFocus, type ChargeGroup, type FocusCell, type FocusOptions, type FocusRead} from './read.js'
import {looksLikeFocus, SERVICE_CATEGORIES} from './spec.js'
import {focusFormat} from './sources.js'

export {CHARGE_GROUPS, type ChargeGroup} from './read.js'

/** What the user asks of a FOCUS import, as flags give it. */
export interface FocusImportOptions {
  cost: 'billed' | 'effective'
  fiscalYearStart: number
  systemTag?: string
  systemMap?: string
  poolMap?: string
  /** The system that takes rows naming no system; without it such rows are refused. */
  untagged?: string
  maxIssues?: number
  dryRun: boolean
  actor: string
  command: string
}

export interface FocusAmounts {
  rows: number
  billedCost: string
  effectiveCost: string
}

export interface FocusCostLine {
  systemId: string
  fiscalYear: number
  pool: string
  currency: string
  frequency: 'recurring' | 'one-time'
  charge: ChargeGroup
  rows: number
  amount: string
  note: string
}

export interface FocusSummary {
  file: string
  kind: 'focus'
  format: 'csv' | 'csv.gz' | 'parquet'
  /** The FOCUS version the file was checked as (1.1 when its header has a column 1.1 introduced). */
  version: '1.0' | '1.1'
  sha256: string
  rows: number
  /** Which cost column the cost lines take. */
  cost: 'billed' | 'effective'
  costColumn: 'BilledCost' | 'EffectiveCost'
  fiscalYearStart: number
  ignoredColumns: number
  /** By provider, billing period and currency: what the invoice shows. */
  totals: Array<{provider: string; billingPeriodStart: string; billingPeriodEnd: string; currency: string} & FocusAmounts>
  /** By currency, with the sum of the cost lines (equal to the chosen column's total to the last digit). */
  currencies: Array<{currency: string; costLines: string} & FocusAmounts>
  /** By charge group (usage, purchase, tax, credit, adjustment, correction) and currency. */
  charges: Array<{charge: ChargeGroup; currency: string} & FocusAmounts>
  /** Rows that named no system, by currency, and the system they went to (null: refused). */
  untagged: {rows: number; assignedTo: string | null; currencies: Array<{currency: string} & FocusAmounts>}
  lines: FocusCostLine[]
  inserted: number
  dryRun: boolean
  changeSetId: number | null
  warnings: InputIssue[]
}

/** Whether a file is to be read as FOCUS: asked for, or detected from its container or its column IDs. */
export async function isFocusInput(file: string, kind: string): Promise<boolean> {
  if (kind === 'focus') return true
  if (kind !== 'auto') return false
  const format = await focusFormat(file)
  if (format !== 'csv') return true
  const {readCsv} = await import('../csv.js')
  let header: string[] = []
  await readCsv(
    {file, encoding: 'auto'},
    {
      header(cells) {
        header = cells
      },
      record() {},
      shouldStop: () => header.length > 0,
    },
  )
  return looksLikeFocus(header)
}

/* ---------- map files ---------- */

interface MapFile {
  file: string
  rows: string[][]
  header: string[]
}

async function readMapFile(file: string): Promise<MapFile> {
  await checkInputFile(file)
  let rows: string[][]
  try {
    rows = parse(await readFile(file, 'utf8'), {bom: true, skip_empty_lines: true, trim: true}) as string[][]
  } catch (error) {
    throw new InvalidInputError(`${basename(file)} is not a readable CSV file`, [{file: basename(file), message: (error as Error).message}])
  }
  if (rows.length === 0)
    throw new InvalidInputError(`${basename(file)} is empty`, [
      {file: basename(file), message: 'the file is empty', hint: 'the first line names the columns'},
    ])
  return {file: basename(file), header: rows[0], rows: rows.slice(1)}
}

/**
 * A system map: a CSV with a system_id column and a ResourceId and/or
 * SubAccountId column; each row maps one resource or one sub-account.
 */
export async function readSystemMap(file: string): Promise<{resources: Map<string, string>; subAccounts: Map<string, string>}> {
  const map = await readMapFile(file)
  const find = (...names: string[]) => map.header.findIndex((cell) => names.some((name) => cell.toLowerCase() === name.toLowerCase()))
  const system = find('system_id', 'SystemId', 'system')
  const resource = find('ResourceId', 'resource_id')
  const subAccount = find('SubAccountId', 'sub_account_id')
  const issues: InputIssue[] = []
  if (system < 0 || (resource < 0 && subAccount < 0))
    issues.push({
      file: map.file,
      line: 1,
      message: 'a system map has a system_id column and a ResourceId or SubAccountId column',
      hint: 'e.g. the header SubAccountId,system_id',
    })
  const resources = new Map<string, string>()
  const subAccounts = new Map<string, string>()
  map.rows.forEach((cells, index) => {
    if (issues.length > 0 && system < 0) return
    const line = index + 2
    const id = cells[system] ?? ''
    const keys: Array<[number, Map<string, string>, string]> = [
      [resource, resources, 'ResourceId'],
      [subAccount, subAccounts, 'SubAccountId'],
    ]
    const given = keys.filter(([at]) => at >= 0 && (cells[at] ?? '') !== '')
    if (id === '') issues.push({file: map.file, line, column: 'system_id', message: 'no system id'})
    else if (given.length !== 1)
      issues.push({file: map.file, line, message: 'a row maps exactly one ResourceId or one SubAccountId', hint: 'fill one of the two cells'})
    else {
      const [at, target, column] = given[0]
      const previous = target.get(cells[at])
      if (previous !== undefined && previous !== id)
        issues.push({file: map.file, line, column, value: cells[at], message: `mapped twice: to ${previous} and to ${id}`})
      else target.set(cells[at], id)
    }
  })
  if (issues.length > 0)
    throw new InvalidInputError(`${map.file}: the system map has ${issues.length} problem${issues.length === 1 ? '' : 's'}`, issues)
  return {resources, subAccounts}
}

/** A pool map: ServiceCategory,pool rows over the default table (every category to cloud). */
export async function readPoolMap(file: string): Promise<Map<string, string>> {
  const map = await readMapFile(file)
  const category = map.header.findIndex((cell) => ['servicecategory', 'service_category'].includes(cell.toLowerCase()))
  const pool = map.header.findIndex((cell) => cell.toLowerCase() === 'pool')
  const issues: InputIssue[] = []
  if (category < 0 || pool < 0)
    issues.push({file: map.file, line: 1, message: 'a pool map has the columns ServiceCategory and pool', hint: 'e.g. Networking,telecom'})
  const pools = new Map<string, string>()
  if (issues.length === 0)
    map.rows.forEach((cells, index) => {
      const line = index + 2
      const name = cells[category] ?? ''
      const target = cells[pool] ?? ''
      if (!(SERVICE_CATEGORIES as readonly string[]).includes(name))
        issues.push({
          file: map.file,
          line,
          column: 'ServiceCategory',
          value: name,
          message: 'not a FOCUS ServiceCategory',
          hint: `use one of: ${SERVICE_CATEGORIES.join(', ')}`,
        })
      else if (!(COST_POOLS as readonly string[]).includes(target))
        issues.push({file: map.file, line, column: 'pool', value: target, message: 'not a cost pool', hint: `use one of: ${COST_POOLS.join(', ')}`})
      else pools.set(name, target)
    })
  if (issues.length > 0)
    throw new InvalidInputError(`${map.file}: the pool map has ${issues.length} problem${issues.length === 1 ? '' : 's'}`, issues)
  return pools
}

/* ---------- reading and summing ---------- */

const GROUP_NOTE: Record<ChargeGroup, string> = {
  usage: 'usage (ChargeCategory Usage)',
  purchase: 'purchases (ChargeCategory Purchase)',
  tax: 'tax (ChargeCategory Tax)',
  credit: 'credits (ChargeCategory Credit)',
  adjustment: 'adjustments (ChargeCategory Adjustment)',
  correction: 'corrections to earlier billing periods (ChargeClass Correction), in the fiscal year of their charge period',
}

interface Prepared {
  read: FocusRead
  summary: FocusSummary
  issues: InputIssue[]
  issueCount: number
}

async function prepare(
  file: string,
  options: Omit<FocusImportOptions, 'dryRun' | 'actor' | 'command'>,
  systemIds: ReadonlySet<string> | null,
): Promise<Prepared> {
  await checkInputFile(file)
  if (!options.systemTag && !options.systemMap && !options.untagged && systemIds !== null)
    throw new UsageError('a FOCUS import needs to know which system each row belongs to', {
      suggestion:
        'pass --system-tag KEY (a key of the Tags column), --system-map FILE (ResourceId or SubAccountId → system_id), and/or --untagged SYSTEM',
    })
  const shaPromise = sha256File(file)
  const maps = options.systemMap ? await readSystemMap(options.systemMap) : undefined
  const pools = options.poolMap ? await readPoolMap(options.poolMap) : undefined
  const focusOptions: FocusOptions = {
    cost: options.cost,
    fiscalYearStart: options.fiscalYearStart,
    systemTag: options.systemTag,
    resourceSystems: maps?.resources,
    subAccountSystems: maps?.subAccounts,
    pools,
    maxIssues: options.maxIssues,
  }
  const read = await readFocus(file, focusOptions)
  const issues = [...read.issues]
  let issueCount = read.issueCount
  const maxIssues = options.maxIssues ?? 100
  const add = (issue: InputIssue) => {
    issueCount++
    if (issues.length < maxIssues) issues.push(issue)
  }

  const amounts = () => ({rows: 0, billed: new ExactSum(), effective: new ExactSum()})
  type Amounts = ReturnType<typeof amounts>
  const put = (map: Map<string, Amounts>, key: string, cell: FocusCell) => {
    let entry = map.get(key)
    if (!entry) map.set(key, (entry = amounts()))
    entry.rows += cell.rows
    entry.billed.plus(cell.billed)
    entry.effective.plus(cell.effective)
  }
  const out = (entry: Amounts): FocusAmounts => ({rows: entry.rows, billedCost: entry.billed.toString(), effectiveCost: entry.effective.toString()})
  const totals = new Map<string, Amounts>()
  const currencies = new Map<string, Amounts>()
  const charges = new Map<string, Amounts>()
  const untagged = new Map<string, Amounts>()
  const lines = new Map<string, {line: Omit<FocusCostLine, 'amount' | 'note' | 'rows'>; sum: ExactSum; rows: number}>()
  const unknown = new Map<string, FocusCell>()
  const costLines = new Map<string, ExactSum>()

  for (const cell of read.cells) {
    put(totals, `${cell.provider}\u0001${cell.billingPeriodStart}\u0001${cell.billingPeriodEnd}\u0001${cell.currency}`, cell)
    put(currencies, cell.currency, cell)
    put(charges, `${cell.group}\u0001${cell.currency}`, cell)
    let system = cell.system
    if (cell.source === 'untagged') {
      put(untagged, cell.currency, cell)
      if (!options.untagged) continue
      system = options.untagged
    }
    if (systemIds !== null && !systemIds.has(system) && !unknown.has(system)) unknown.set(system, cell)
    const frequency = cell.group === 'purchase' && cell.oneTime ? 'one-time' : 'recurring'
    const key = `${system}\u0001${cell.fiscalYear}\u0001${cell.pool}\u0001${cell.currency}\u0001${frequency}\u0001${cell.group}`
    let line = lines.get(key)
    if (!line)
      lines.set(
        key,
        (line = {
          line: {systemId: system, fiscalYear: cell.fiscalYear, pool: cell.pool, currency: cell.currency, frequency, charge: cell.group},
          sum: new ExactSum(),
          rows: 0,
        }),
      )
    line.sum.plus(options.cost === 'billed' ? cell.billed : cell.effective)
    line.rows += cell.rows
  }

  const untaggedRows = [...untagged.values()].reduce((total, entry) => total + entry.rows, 0)
  if (untaggedRows > 0 && !options.untagged && systemIds !== null) {
    const column = options.cost === 'billed' ? 'billed' : 'effective'
    const sums = [...untagged].map(([currency, entry]) => `${currency} ${groupDigits(entry[column].toString())}`).join(', ')
    add({
      file: read.file,
      message: `${untaggedRows.toLocaleString('en')} rows name no system (${options.cost === 'billed' ? 'BilledCost' : 'EffectiveCost'} ${sums})`,
      hint: options.systemTag
        ? `tag them with ${options.systemTag}, map their SubAccountId or ResourceId with --system-map, or pass --untagged SYSTEM to give them to a shared system`
        : 'map their SubAccountId or ResourceId with --system-map, or pass --untagged SYSTEM to give them to a shared system',
    })
  }
  for (const [system, cell] of unknown) {
    const column =
      cell.source === 'tag' ? 'Tags' : cell.source === 'resource' ? 'ResourceId' : cell.source === 'sub-account' ? 'SubAccountId' : '--untagged'
    add({
      file: cell.source === 'untagged' ? undefined : read.file,
      ...(cell.source === 'untagged'
        ? {}
        : cell.first.line !== undefined
          ? {line: cell.first.line}
          : {cell: `row ${cell.first.row!.toLocaleString('en')}`}),
      column,
      value: system,
      message: 'no system has this id',
      hint: 'add the system to the register first (kasumi inventory add, or import a systems file), or correct the tag or map',
    })
  }

  const name = read.file
  const basis = options.cost === 'billed' ? 'BilledCost' : 'EffectiveCost'
  const lineList: FocusCostLine[] = [...lines.values()]
    .filter((entry) => !entry.sum.isZero())
    .map((entry) => {
      const key = entry.line.currency
      let sum = costLines.get(key)
      if (!sum) costLines.set(key, (sum = new ExactSum()))
      sum.plus(entry.sum)
      return {
        ...entry.line,
        rows: entry.rows,
        amount: entry.sum.toString(),
        note: `FOCUS ${name}: ${GROUP_NOTE[entry.line.charge]}, ${entry.rows.toLocaleString('en')} row${entry.rows === 1 ? '' : 's'}, ${basis}`,
      }
    })
    .sort(
      (a, b) =>
        a.systemId.localeCompare(b.systemId) ||
        a.fiscalYear - b.fiscalYear ||
        a.pool.localeCompare(b.pool) ||
        a.currency.localeCompare(b.currency) ||
        CHARGE_GROUPS.indexOf(a.charge) - CHARGE_GROUPS.indexOf(b.charge) ||
        a.frequency.localeCompare(b.frequency),
    )

  const summary: FocusSummary = {
    file,
    kind: 'focus',
    format: read.format,
    version: read.version,
    sha256: await shaPromise,
    rows: read.rows,
    cost: options.cost,
    costColumn: basis,
    fiscalYearStart: options.fiscalYearStart,
    ignoredColumns: read.ignoredColumns,
    totals: [...totals]
      .map(([key, entry]) => {
        const [provider, billingPeriodStart, billingPeriodEnd, currency] = key.split('\u0001')
        return {provider, billingPeriodStart, billingPeriodEnd, currency, ...out(entry)}
      })
      .sort(
        (a, b) =>
          a.provider.localeCompare(b.provider) || a.billingPeriodStart.localeCompare(b.billingPeriodStart) || a.currency.localeCompare(b.currency),
      ),
    currencies: [...currencies]
      .map(([currency, entry]) => ({currency, ...out(entry), costLines: costLines.get(currency)?.toString() ?? '0'}))
      .sort((a, b) => a.currency.localeCompare(b.currency)),
    charges: [...charges]
      .map(([key, entry]) => {
        const [charge, currency] = key.split('\u0001') as [ChargeGroup, string]
        return {charge, currency, ...out(entry)}
      })
      .sort((a, b) => CHARGE_GROUPS.indexOf(a.charge) - CHARGE_GROUPS.indexOf(b.charge) || a.currency.localeCompare(b.currency)),
    untagged: {
      rows: untaggedRows,
      assignedTo: untaggedRows > 0 && options.untagged ? options.untagged : null,
      currencies: [...untagged].map(([currency, entry]) => ({currency, ...out(entry)})).sort((a, b) => a.currency.localeCompare(b.currency)),
    },
    lines: lineList,
    inserted: 0,
    dryRun: false,
    changeSetId: null,
    warnings: [],
  }
  return {read, summary, issues, issueCount}
}

function fail(file: string, prepared: Prepared): never {
  const total = prepared.issueCount
  throw new InvalidInputError(
    `${basename(file)}: ${total.toLocaleString('en')} problem${total === 1 ? '' : 's'} found; nothing was written`,
    prepared.issues,
    {
      totalIssues: total,
    },
  )
}

/** Checks a FOCUS file against the specification and sums it up, without a store and without writing anything. */
export async function validateFocus(file: string, options: Omit<FocusImportOptions, 'dryRun' | 'actor' | 'command'>): Promise<FocusSummary> {
  const prepared = await prepare(file, options, null)
  if (prepared.issueCount > 0) fail(file, prepared)
  if (prepared.summary.rows === 0)
    prepared.summary.warnings.push({file: prepared.read.file, message: 'the file has a header but no data rows', severity: 'warning'})
  return prepared.summary
}

/**
 * Imports a FOCUS file as cost lines, one per system, fiscal year, pool,
 * currency and charge group, in one transaction and one change set. Any
 * problem in any row, an unknown system, or rows naming no system (without
 * --untagged) stop it: all problems are listed and nothing is written.
 */
export async function importFocus(store: Store, file: string, options: FocusImportOptions): Promise<FocusSummary> {
  let summary: FocusSummary | undefined
  class Rollback extends Error {}
  try {
    await writeImport(
      store,
      {actor: options.actor, command: options.command, fileName: basename(file), at: new Date().toISOString()},
      {bulkCostLoad: false},
      async (session) => {
        const facts = await session.facts()
        const prepared = await prepare(file, options, new Set(facts.systemIds))
        if (prepared.issueCount > 0) fail(file, prepared)
        summary = prepared.summary
        summary.dryRun = options.dryRun
        if (summary.rows === 0) {
          summary.warnings.push({
            file: prepared.read.file,
            message: 'the file has a header but no data rows; nothing was imported',
            severity: 'warning',
          })
          throw new Rollback()
        }
        const rows: CostRows = []
        for (const line of summary.lines) {
          const costLine: CostLine = {
            systemId: line.systemId,
            fiscalYear: line.fiscalYear,
            pool: line.pool as CostLine['pool'],
            spendType: 'operations',
            frequency: line.frequency,
            amount: line.amount,
            currency: line.currency,
            note: line.note,
          }
          pushCostRow(rows, costLine)
        }
        if (summary.lines.length > 0) await session.writeCostLines(rows, summary.lines.length)
        summary.inserted = summary.lines.length
        await session.setFileHash(summary.sha256)
        await session.finish(summary.inserted, `${summary.inserted} cost lines inserted from ${summary.rows} FOCUS rows (${summary.costColumn})`)
        summary.changeSetId = session.changeSetId
        if (options.dryRun) throw new Rollback()
      },
    )
  } catch (error) {
    if (!(error instanceof Rollback)) throw error
    if (summary) summary.changeSetId = null
  }
  return summary!
}
