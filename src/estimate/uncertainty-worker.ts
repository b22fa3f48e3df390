import {parentPort, workerData} from 'node:worker_threads'

import {plan} from './engine.js'
import type {Scenario, SystemInput} from './model.js'
import type {Draw} from './params.js'
import {OUTCOME_WIDTH, type Job, type WorkerMessage} from './pool.js'
import {totalsEvaluator, totalsLedger} from './totals.js'
import {drawFor, outcomeOf, uncertainParameters} from './uncertainty.js'

/**
 * An evaluation thread of the Monte Carlo and the sensitivity ranking: it
 * receives the scenario and the register once, plans once, and evaluates the
 * runs or draws it is sent through the engine's totals-only path (totals.ts:
 * the same totals as the full ledger, without per-system rows or roll-ups);
 * only each evaluation's NPV, run-rate savings and payback year go back.
 */
const {scenario, systems} = workerData as {scenario: Scenario; systems: SystemInput[]}
const port = parentPort!
// What does not change between evaluations (selections, start-year groups, the states to reset) is fixed once here.
const totals = totalsEvaluator(plan(scenario, systems))
const parameters = uncertainParameters(scenario)

function evaluateInto(values: Float64Array, index: number, draw: Draw): void {
  const outcome = outcomeOf(scenario, totalsLedger(totals, draw), draw)
  values[index * OUTCOME_WIDTH] = outcome.npv
  values[index * OUTCOME_WIDTH + 1] = outcome.runRateSavings
  values[index * OUTCOME_WIDTH + 2] = outcome.paybackYear ?? Number.NaN
  port.postMessage({type: 'progress'} satisfies WorkerMessage)
}

port.on('message', (job: Job) => {
  try {
    let values: Float64Array
    if (job.type === 'runs') {
      values = new Float64Array((job.to - job.from) * OUTCOME_WIDTH)
      for (let run = job.from; run < job.to; run++) evaluateInto(values, run - job.from, drawFor(parameters, job.seed, run))
    } else {
      values = new Float64Array(job.draws.length * OUTCOME_WIDTH)
      job.draws.forEach((entries, index) => evaluateInto(values, index, new Map(entries)))
    }
    port.postMessage({type: 'done', id: job.id, values} satisfies WorkerMessage, [values.buffer as ArrayBuffer])
  } catch (error) {
    port.postMessage({type: 'failed', id: job.id, message: (error as Error).message, stack: (error as Error).stack} satisfies WorkerMessage)
  }
})
