import {parentPort, workerData} from 'node:worker_threads'

import {InvalidInputError} from '../domain/errors.js'
import type {ReadOptions, StoreFacts} from './read-state.js'
import {readRows, type CostBatch, type RowSink} from './rows.js'
import {isWorkbook, readWorkbookRows} from './workbook/read.js'

/** The reading thread of a parallel import: reads and checks rows, sends cost batches, waits for credit. */
const {file, options, facts} = workerData as {file: string; options: ReadOptions; facts: StoreFacts}
const port = parentPort!
const IN_FLIGHT = 4
let credits = IN_FLIGHT
let wake: (() => void) | undefined
port.on('message', (message: {type: string}) => {
  if (message.type === 'credit') {
    credits++
    wake?.()
    wake = undefined
  }
})

const sink: RowSink = {
  async costs(rows: CostBatch, count: number) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve))
    credits--
    // Packed lines move to the other thread without a copy.
    port.postMessage({type: 'costs', rows, count}, 'packed' in rows ? ([rows.text.buffer, rows.ends.buffer, rows.codes.buffer] as ArrayBuffer[]) : [])
  },
}
try {
  // A workbook is read by the same reader as on the main thread (its sheet, header and rows).
  const outcome = isWorkbook(file) ? await readWorkbookRows(file, options, facts, sink) : await readRows(file, options, facts, sink)
  port.postMessage({type: 'done', outcome})
} catch (error) {
  // Invalid input is the user's to correct: it crosses the thread as data, to be thrown again as itself.
  if (!(error instanceof InvalidInputError)) throw error
  port.postMessage({type: 'invalid', message: error.message, issues: error.issues, totalIssues: error.totalIssues})
}
port.close()
