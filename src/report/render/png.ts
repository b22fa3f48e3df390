import {documentCharts} from '../charts.js'
import type {RenderedFile, Renderer} from './types.js'

/** Every chart of the document as `charts/<id>.png`, from the charts rendered once for all formats. */
export const renderPng: Renderer = async (document, context): Promise<RenderedFile[]> => {
  const files: RenderedFile[] = []
  for (const spec of documentCharts(document)) {
    const png = context.charts.get(spec.id)
    if (!png) throw new Error(`The chart ${spec.id} was not rendered; render the document's charts before the png format.`)
    files.push({path: chartPath(spec.id), content: png})
  }
  return files
}

/** Where a chart's PNG goes in the report folder (the Markdown report links to the same path). */
export function chartPath(id: string): string {
  return `charts/${id.replace(/[^\p{L}\p{N}._-]+/gu, '-')}.png`
}
