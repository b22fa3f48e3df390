import {parentPort, workerData} from 'node:worker_threads'

import type {ReadOptions, StoreFacts} from './read-state.js'
import {readRows, type CostRows} from './rows.js'

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

const outcome = await readRows(file, options, facts, {
  async costs(rows: CostRows, count: number) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve))
    credits--
    port.postMessage({type: 'costs', rows, count})
  },
})
port.postMessage({type: 'done', outcome})
port.close()
