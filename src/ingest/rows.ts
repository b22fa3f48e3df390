import {stat} from 'node:fs/promises'

import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import type {CostLine, Ministry, SystemRecord} from '../domain/inventory.js'
import {CostLinePacker, type PackedCostLines} from '../store/repositories/cost-pack.js'
import {startWorker} from '../platform/workers.js'
import {CostBytes} from './cost-bytes.js'
import {readCsv} from './csv.js'
import type {Kind} from './kinds.js'
import type {ServiceRow} from './services.js'
import {ReadState, buildContext, type ReadOptions, type StoreFacts} from './read-state.js'

/** Values of one cost line in insert order; a batch is these, row after row. */
export type CostRows = Array<string | number | null>

/** A batch of cost lines: flat values, or packed (as a cost-line file's reader sends them, without making strings). */
export type CostBatch = CostRows | PackedCostLines

export function pushCostRow(rows: CostRows, line: CostLine): void {
  rows.push(line.systemId, line.fiscalYear, line.pool, line.spendType, line.frequency, line.amount, line.currency, line.note)
}

export interface ReadOutcome {
  kind?: Kind
  encoding: string
  bytes: number
  records: number
  /** Problems with the file as CSV (bytes, quotes, field counts). */
  structural: InputIssue[]
  /** Problems with values, up to the cap. */
  issues: InputIssue[]
  issueCount: number
  warnings: InputIssue[]
  /** Systems and ministries read (costs go to the batch sink instead), with the line of each. */
  records_: Array<{line: number; record: SystemRecord | Ministry | ServiceRow}>
  /** Field keys the file has a column for. */
  columns: string[]
  /** The id column as issues name it, e.g. `1 (id)`. */
  idColumn?: string
  /** In a workbook: the sheet and column (0-based) of the id, for issues about it to name its cell (plain data: it crosses from the reading thread). */
  idCell?: {sheet: string; column: number}
}

export interface RowSink {
  /** Receives cost lines in batches; a returned promise holds reading back until it settles. */
  costs(rows: CostBatch, count: number): Promise<void> | void
}

export const COST_BATCH = 2000

/**
 * Reads and checks every row of a file on this thread. Systems and ministries
 * are returned; cost lines stream to the sink in batches as long as no problem
 * has been found (after the first problem nothing more is sent, only checked).
 */
export async function readRows(file: string, options: ReadOptions, facts: StoreFacts, sink: RowSink): Promise<ReadOutcome> {
  const state = new ReadState(file, options, buildContext(file, options, facts))
  const records: Array<{line: number; record: SystemRecord | Ministry | ServiceRow}> = []
  const batch = new CostLinePacker(COST_BATCH)
  // Plain records of a cost-line file are built from their bytes (the same lines as `build` gives).
  let plain: CostBytes | undefined
  const result = await readCsv(
    {file, encoding: options.encoding},
    {
      header(cells, line) {
        state.onHeader(cells, line)
        if (state.kind?.kind === 'costs' && !state.halted && state.header && state.issues.length === 0)
          plain = CostBytes.for(state.header.columns, cells.length, state.context)
      },
      plainRecord(bytes, start, end) {
        if (plain === undefined || state.issues.length > 0) return false
        return plain.take(bytes, start, end, batch)
      },
      record(cells, line) {
        const record = state.build(cells, line)
        if (record === undefined || state.issues.length > 0) return
        if (state.kind!.kind === 'costs') {
          const line = record as CostLine
          batch.add(line.systemId, line.fiscalYear, line.pool, line.spendType, line.frequency, line.amount, line.currency, line.note)
        } else {
          records.push({line, record: record as SystemRecord | Ministry | ServiceRow})
        }
      },
      async drain() {
        if (batch.count >= COST_BATCH && state.issues.length === 0) {
          const full = batch.take()
          await sink.costs(full, full.count)
        }
      },
      shouldStop: () => state.full,
    },
    {maxIssues: state.maxIssues},
  )
  if (batch.count > 0 && state.issues.length === 0 && result.issues.length === 0) {
    const last = batch.take()
    await sink.costs(last, last.count)
  }
  return {
    kind: state.kind?.kind,
    encoding: result.encoding,
    bytes: result.bytes,
    records: result.records,
    structural: result.issues,
    issues: state.issues,
    issueCount: Math.max(state.issueCount, state.issues.length),
    warnings: [...result.warnings, ...state.warnings],
    records_: records,
    columns: [...(state.header?.columns.keys() ?? [])],
    idColumn: (() => {
      const column = state.header?.columns.get(state.kind?.kind === 'ministries' ? 'code' : 'id')
      return column ? `${column.index + 1} (${column.field.header})` : undefined
    })(),
  }
}

/** Files at least this large are read on a worker thread while this thread writes. */
export const PARALLEL_THRESHOLD_BYTES = 4 * 1024 * 1024

/** Workbooks (compressed XML, about an eighth of their rows' text) at least this large are read on a worker thread. */
export const PARALLEL_WORKBOOK_BYTES = 512 * 1024

export async function shouldReadInParallel(file: string, setting: 'auto' | 'always' | 'never' = 'auto', workbook = false): Promise<boolean> {
  if (setting !== 'auto') return setting === 'always'
  return (await stat(file)).size >= (workbook ? PARALLEL_WORKBOOK_BYTES : PARALLEL_THRESHOLD_BYTES)
}

/**
 * Like readRows, but the reading and checking run on a worker thread, so that
 * parsing and database writes use both cores. Batches arrive in file order; at
 * most a few are in flight, so memory stays flat.
 */
export function readRowsInWorker(file: string, options: ReadOptions & {workbook?: boolean}, facts: StoreFacts, sink: RowSink): Promise<ReadOutcome> {
  const workerData = {file, options: {...options, onProgress: undefined}, facts}
  // A workbook's XML parser allocates a great many short-lived objects: a larger young generation
  // collects them at a fraction of the cost.
  const resourceLimits = options.workbook ? {maxYoungGenerationSizeMb: 64} : undefined
  const worker = startWorker(import.meta.url, 'rows-worker', {workerData, resourceLimits})
  return new Promise<ReadOutcome>((resolve, reject) => {
    let pending = Promise.resolve()
    let failed = false
    worker.on(
      'message',
      (
        message:
          | {type: 'costs'; rows: CostBatch; count: number}
          | {type: 'done'; outcome: ReadOutcome}
          | {type: 'invalid'; message: string; issues: InputIssue[]; totalIssues: number},
      ) => {
        if (message.type === 'invalid') {
          failed = true
          void pending.then(() => reject(new InvalidInputError(message.message, message.issues, {totalIssues: message.totalIssues})))
          return
        }
        if (message.type === 'costs') {
          pending = pending
            .then(() => sink.costs(message.rows, message.count))
            .then(() => worker.postMessage({type: 'credit'}))
            .catch((error: unknown) => {
              failed = true
              void worker.terminate()
              reject(error)
            })
          return
        }
        void pending.then(() => {
          if (!failed) resolve(message.outcome)
          void worker.terminate()
        })
      },
    )
    worker.on('error', (error) => {
      failed = true
      reject(error)
    })
    worker.on('exit', (code) => {
      if (code !== 0 && !failed) reject(new Error(`the reading thread stopped with code ${code}`))
    })
  })
}
