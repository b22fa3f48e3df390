import {parentPort, workerData} from 'node:worker_threads'

import type {AsideJob, AsideReply, AsideRequest} from './aside.js'
import {renderHere} from './aside.js'
import {renderer} from './index.js'

/** The thread `renderAside` starts: loads the renderers of its formats, waits for the document, renders it and answers once. */
const job = workerData as AsideJob
const loaded = Promise.all(job.formats.map((format) => renderer(format))).catch(() => undefined)
parentPort!.once('message', (request: AsideRequest) => {
  void (async () => {
    let reply: AsideReply
    try {
      await loaded
      reply = {rendered: await renderHere(job.formats, request.document, request.context)}
    } catch (error) {
      reply = {error: (error as Error).message, stack: (error as Error).stack}
    }
    parentPort!.postMessage(reply)
  })()
})
