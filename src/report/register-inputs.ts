import {createHash} from 'node:crypto'
import {Writable} from 'node:stream'
import type {Worker} from 'node:worker_threads'

import {exportTo, type ExportKind} from '../inventory/export.js'
import {startWorker} from '../platform/workers.js'
import {reopenTarget, type Store} from '../store/open.js'
import type {Provenance} from './model.js'

/**
 * The register as provenance: the SHA-256 and row count of each table's
 * canonical CSV export (UTF-8 without BOM, as `kasumi inventory export
 * --no-bom` writes it and an audit bundle holds it), streamed into the hash
 * a page at a time.
 */

export type ProvenanceInput = Provenance['inputs'][number]

export async function registerInputs(store: Store, kinds: readonly ExportKind[]): Promise<ProvenanceInput[]> {
  const inputs: ProvenanceInput[] = []
  for (const kind of kinds) {
    const hash = createHash('sha256')
    // Texts go to the hash as they are written (UTF-8), not copied into buffers first.
    const sink = new Writable({
      decodeStrings: false,
      write(chunk: Buffer | string, _encoding, done) {
        hash.update(chunk)
        done()
      },
    })
    const rows = await exportTo(store, sink, {kind, format: 'csv', bom: false})
    inputs.push({role: kind, file: `${store.location}#${kind}`, sha256: hash.digest('hex'), rows})
  }
  return inputs
}

/** What the hashing thread is given, and what it answers. */
export interface RegisterHashJob {
  target: string
  kinds: ExportKind[]
}
export type RegisterHashReply = {inputs: ProvenanceInput[]} | {error: string; stack?: string}

/** Hashing that runs beside other work: `inputs()` gives what `registerInputs` would; `cancel()` stops it. */
export interface RegisterHashing {
  inputs(): Promise<ProvenanceInput[]>
  cancel(): Promise<void>
  /** Settles when the thread has answered or ended (at once when there is none). */
  settled(): Promise<void>
}

/**
 * Starts hashing the register on a thread of its own, on a second connection to the same store, so that it runs
 * beside the estimate (a million cost lines take seconds to read). A store that another thread cannot open
 * (PostgreSQL, whose password the store no longer holds) is hashed on this thread when `inputs()` is called; so is
 * any store whose thread fails, so that a real fault surfaces as the same error as without the thread.
 */
export function registerInputsAside(store: Store, kinds: readonly ExportKind[]): RegisterHashing {
  const target = reopenTarget(store)
  if (target === undefined) return {inputs: () => registerInputs(store, kinds), cancel: async () => {}, settled: async () => {}}
  const workerData: RegisterHashJob = {target, kinds: [...kinds]}
  let worker: Worker
  try {
    worker = startWorker(import.meta.url, 'register-inputs-worker', {workerData})
  } catch {
    return {inputs: () => registerInputs(store, kinds), cancel: async () => {}, settled: async () => {}}
  }
  const reply = new Promise<ProvenanceInput[] | undefined>((resolve) => {
    worker.once('message', (message: RegisterHashReply) => resolve('inputs' in message ? message.inputs : undefined))
    worker.once('error', () => resolve(undefined))
    worker.once('exit', () => resolve(undefined))
  })
  return {
    async inputs() {
      const inputs = await reply
      if (!inputs) return registerInputs(store, kinds)
      return inputs.map((input) => ({...input, file: `${store.location}#${input.role}`}))
    },
    async cancel() {
      await worker.terminate()
    },
    async settled() {
      await reply
    },
  }
}
