import {parentPort, workerData} from 'node:worker_threads'

import {openStore} from '../store/open.js'
import {registerInputs, type RegisterHashJob, type RegisterHashReply} from './register-inputs.js'

/** The thread `registerInputsAside` starts: opens the store again, hashes the asked tables and answers once. */
const job = workerData as RegisterHashJob
let reply: RegisterHashReply
try {
  const {store} = await openStore(job.target, {create: false})
  try {
    reply = {inputs: await registerInputs(store, job.kinds)}
  } finally {
    await store.close()
  }
} catch (error) {
  reply = {error: (error as Error).message, stack: (error as Error).stack}
}
parentPort!.postMessage(reply)
