import type {Worker} from 'node:worker_threads'

import {startWorker} from '../../platform/workers.js'
import type {ReportDocument} from '../model.js'
import {renderer, type Format} from './index.js'
import type {RenderContext, RenderedFile} from './types.js'

/** What the rendering thread is given at its start, then with the document, and what it answers. */
export interface AsideJob {
  formats: Format[]
}
export interface AsideRequest {
  document: ReportDocument
  context: Pick<RenderContext, 'templateDir' | 'bom'>
}
/** Each format's files, in the order of the formats. */
export type FormatFiles = Array<{format: Format; files: RenderedFile[]}>
export type AsideReply = {rendered: FormatFiles} | {error: string; stack?: string}

/** Formats rendered on a thread of their own: `render()` gives what their renderers would; `cancel()` stops the thread. */
export interface AsideRendering {
  formats: readonly Format[]
  render(document: ReportDocument, context: AsideRequest['context']): Promise<FormatFiles>
  cancel(): Promise<void>
}

/**
 * Starts a thread that loads the renderers of some formats at once (exceljs alone takes a third of a second to load)
 * and renders them when given the document, beside the other formats on this thread. Formats that need the charts
 * are not for it. A thread that cannot start or fails leaves its formats to this thread, so that a real fault
 * surfaces as the same error as without it.
 */
export function renderAside(formats: readonly Format[]): AsideRendering {
  const local = (document: ReportDocument, context: AsideRequest['context']) => renderHere(formats, document, context)
  const workerData: AsideJob = {formats: [...formats]}
  let worker: Worker
  try {
    worker = startWorker(import.meta.url, 'aside-worker', {workerData})
  } catch {
    return {formats, render: local, cancel: async () => {}}
  }
  // Idle until given the document, the thread keeps no process alive: only while this one waits for its answer.
  worker.unref()
  const reply = new Promise<FormatFiles | undefined>((resolve) => {
    worker.once('message', (message: AsideReply) =>
      resolve('rendered' in message ? message.rendered.map(({format, files}) => ({format, files: files.map(asBuffer)})) : undefined),
    )
    worker.once('error', () => resolve(undefined))
    worker.once('exit', () => resolve(undefined))
  })
  return {
    formats,
    async render(document, context) {
      const request: AsideRequest = {document, context}
      try {
        worker.ref()
        worker.postMessage(request)
      } catch {
        await worker.terminate()
        return local(document, context)
      }
      return (await reply) ?? local(document, context)
    },
    async cancel() {
      await worker.terminate()
    },
  }
}

/** A file's content as it came across: a buffer's bytes arrive as a plain Uint8Array. */
function asBuffer(file: RenderedFile): RenderedFile {
  const content = file.content
  return typeof content === 'string' || Buffer.isBuffer(content)
    ? file
    : {...file, content: Buffer.from((content as Uint8Array).buffer, (content as Uint8Array).byteOffset, (content as Uint8Array).byteLength)}
}

/** Renders formats that need no charts, in order. */
export async function renderHere(formats: readonly Format[], document: ReportDocument, context: AsideRequest['context']): Promise<FormatFiles> {
  const rendered: FormatFiles = []
  for (const format of formats) rendered.push({format, files: await (await renderer(format))(document, {...context, charts: new Map()})})
  return rendered
}
