import {availableParallelism} from 'node:os'
import type {Worker} from 'node:worker_threads'

import {InternalError} from '../domain/errors.js'
import {startWorker} from '../platform/workers.js'
import type {Scenario, SystemInput} from './model.js'
import type {Draw} from './params.js'

/**
 * The worker threads of the Monte Carlo and the sensitivity ranking: each
 * holds the scenario and the register and evaluates what it is sent
 * (uncertainty-worker.ts); the main thread hands out jobs and places the
 * results by run index.
 */

/** Outcomes of many evaluations, by index; a payback of NaN means never. */
export interface Outcomes {
  npv: Float64Array
  runRateSavings: Float64Array
  paybackYear: Float64Array
}

/** What the main thread asks a worker: runs [from, to) of a seed, or explicit draws. */
export type Job =
  {id: number; type: 'runs'; seed: number; from: number; to: number} | {id: number; type: 'draws'; draws: Array<Array<[string, string]>>}

export type WorkerMessage =
  {type: 'progress'} | {type: 'done'; id: number; values: Float64Array} | {type: 'failed'; id: number; message: string; stack?: string}

/** One record per evaluation in a worker's reply: NPV, run-rate savings, payback year (NaN: never). */
export const OUTCOME_WIDTH = 3

export function defaultWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism()))
}

export type Progress = (done: number, total: number) => void

/**
 * Worker threads that each hold the scenario and the register (sent once) and
 * evaluate what they are given. Jobs are handed out as workers become free;
 * results are placed by run index, so the split never changes the figures.
 */
export class EvaluationPool {
  private constructor(private readonly workers: Worker[]) {}

  /** Starts `size` workers, from `dist/` or (in development and tests) from the TypeScript sources. */
  static open(scenario: Scenario, systems: readonly SystemInput[], size: number): EvaluationPool {
    const workerData = {scenario, systems}
    const start = () => startWorker(import.meta.url, 'uncertainty-worker', {workerData})
    return new EvaluationPool(Array.from({length: Math.max(1, size)}, start))
  }

  get size(): number {
    return this.workers.length
  }

  /** Runs 0 … count − 1 of a seed. */
  runs(seed: number, count: number, onProgress?: Progress): Promise<Outcomes> {
    const chunk = Math.max(1, Math.min(64, Math.ceil(count / (this.workers.length * 25))))
    const jobs: Array<{job: Job; offset: number; count: number}> = []
    for (let from = 0, id = 0; from < count; from += chunk, id++) {
      const to = Math.min(count, from + chunk)
      jobs.push({job: {id, type: 'runs', seed, from, to}, offset: from, count: to - from})
    }
    return this.execute(jobs, count, onProgress)
  }

  /** Explicit draws (the sensitivity cases), one evaluation each. */
  draws(draws: readonly Draw[], onProgress?: Progress): Promise<Outcomes> {
    const jobs = draws.map((draw, index) => ({job: {id: index, type: 'draws', draws: [[...draw]]} as Job, offset: index, count: 1}))
    return this.execute(jobs, draws.length, onProgress)
  }

  private execute(jobs: Array<{job: Job; offset: number; count: number}>, total: number, onProgress?: Progress): Promise<Outcomes> {
    const out: Outcomes = {npv: new Float64Array(total), runRateSavings: new Float64Array(total), paybackYear: new Float64Array(total)}
    if (total === 0) return Promise.resolve(out)
    return new Promise<Outcomes>((resolve, reject) => {
      let next = 0
      let finished = 0
      let done = 0
      let failed = false
      const byId = new Map(jobs.map((entry) => [entry.job.id, entry]))
      const cleanups: Array<() => void> = []
      const stop = (error?: Error) => {
        if (failed) return
        for (const cleanup of cleanups) cleanup()
        if (error) {
          failed = true
          reject(error)
        } else {
          resolve(out)
        }
      }
      const give = (worker: Worker) => {
        if (next < jobs.length) worker.postMessage(jobs[next++].job)
      }
      for (const worker of this.workers) {
        const onMessage = (message: WorkerMessage) => {
          if (message.type === 'progress') {
            done++
            onProgress?.(done, total)
            return
          }
          if (message.type === 'failed') {
            const error = new InternalError(`an evaluation thread failed: ${message.message}`)
            if (message.stack) error.stack = message.stack
            stop(error)
            return
          }
          const entry = byId.get(message.id)!
          for (let index = 0; index < entry.count; index++) {
            out.npv[entry.offset + index] = message.values[index * OUTCOME_WIDTH]
            out.runRateSavings[entry.offset + index] = message.values[index * OUTCOME_WIDTH + 1]
            out.paybackYear[entry.offset + index] = message.values[index * OUTCOME_WIDTH + 2]
          }
          finished++
          if (finished === jobs.length) stop()
          else give(worker)
        }
        const onError = (error: Error) => stop(error)
        const onExit = (code: number) => stop(new InternalError(`an evaluation thread stopped (exit code ${code})`))
        worker.on('message', onMessage)
        worker.on('error', onError)
        worker.on('exit', onExit)
        cleanups.push(() => {
          worker.off('message', onMessage)
          worker.off('error', onError)
          worker.off('exit', onExit)
        })
        give(worker)
      }
    })
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()))
  }
}
