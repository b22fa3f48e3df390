import {ExitCode, UserError} from '../../domain/errors.js'
import type {ReportDocument} from '../model.js'
import type {AsideRendering} from './aside.js'
import {FORMATS, type Format, type RenderContext, type RenderedFile, type Renderer} from './types.js'

/**
 * The format → renderer registry. Every renderer is loaded only when its
 * format is asked for, so that a CSV report never loads exceljs or the chart
 * canvas. Charts are drawn once and shared by the formats that show them:
 * as PNG for HTML and PNG, as images made from their pixels for the PDF.
 */

/** How each renderer is loaded: on first use, so that unused formats cost nothing. */
const LOADERS: Record<Format, () => Promise<Renderer>> = {
  html: async () => (await import('./html.js')).renderHtml,
  md: async () => (await import('./markdown.js')).renderMarkdown,
  csv: async () => (await import('./csv.js')).renderCsv,
  xlsx: async () => (await import('./xlsx.js')).renderXlsx,
  json: async () => (await import('./json.js')).renderJson,
  png: async () => (await import('./png.js')).renderPng,
  pdf: async () => (await import('./pdf.js')).renderPdf,
}

/** The formats whose files show the document's charts. */
export const CHART_FORMATS: ReadonlySet<Format> = new Set<Format>(['html', 'png', 'pdf'])
/** The formats that carry the charts as PNG files (the PDF takes their pixels). */
const PNG_FORMATS: ReadonlySet<Format> = new Set<Format>(['html', 'png'])

export {FORMATS, type Format}

/** The renderer of a format. */
export function renderer(format: Format): Promise<Renderer> {
  return LOADERS[format]()
}

/** Parses a list of formats ("html,csv" or repeated flags); every entry must be known. Keeps the order of FORMATS. */
export function formatsOf(values: readonly string[]): Format[] {
  const wanted = new Set(
    values
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter(Boolean),
  )
  for (const value of wanted) {
    if (!(FORMATS as readonly string[]).includes(value))
      throw new UserError(`unknown report format ${value}`, {suggestion: `choose from ${FORMATS.join(', ')}`, exitCode: ExitCode.usage})
  }
  return FORMATS.filter((format) => wanted.has(format))
}

export interface RenderOptions {
  templateDir?: string
  bom: boolean
  /** Formats rendered on a thread of their own (`renderAside`), beside the others. */
  aside?: AsideRendering
  /** Called before each step (charts, then each format). */
  onStep?(step: string): void
}

/**
 * Renders a document in the given formats: every renderer is loaded first,
 * charts are drawn once when a format needs them, and no two renderers may
 * write the same path.
 */
export async function renderDocument(document: ReportDocument, formats: readonly Format[], options: RenderOptions): Promise<RenderedFile[]> {
  const asideFormats = formats.filter((format) => options.aside?.formats.includes(format) && !CHART_FORMATS.has(format))
  // Given the document first, so that the thread renders while this one draws the charts and renders the rest.
  const aside = asideFormats.length > 0 ? options.aside!.render(document, {templateDir: options.templateDir, bom: options.bom}) : undefined
  // Awaited below; a failure here is not left unhandled meanwhile.
  aside?.catch(() => {})
  const renderers = await Promise.all(
    formats.filter((format) => !asideFormats.includes(format)).map(async (format) => [format, await renderer(format)] as const),
  )
  let charts = new Map<string, Buffer>()
  let chartImages: RenderContext['chartImages']
  if (formats.some((format) => CHART_FORMATS.has(format))) {
    const {drawCharts} = await import('../charts.js')
    options.onStep?.('charts')
    const pixels = formats.includes('pdf') ? (await import('./pdf.js')).pixelImage : undefined
    const drawn = await drawCharts(document, {png: formats.some((format) => PNG_FORMATS.has(format)), pixels})
    charts = drawn.png
    if (pixels) chartImages = drawn.pixels
  }
  const context: RenderContext = {charts, chartImages, templateDir: options.templateDir, bom: options.bom}
  const files: RenderedFile[] = []
  const owners = new Map<string, Format>()
  const byFormat = new Map<Format, RenderedFile[]>()
  for (const [format, render] of renderers) {
    options.onStep?.(format)
    byFormat.set(format, await render(document, context))
  }
  for (const {format, files: rendered} of aside ? await aside : []) byFormat.set(format, rendered)
  for (const format of formats) {
    for (const file of byFormat.get(format) ?? []) {
      const other = owners.get(file.path)
      if (other) throw new Error(`the ${format} and ${other} renderers both write ${file.path}`)
      owners.set(file.path, format)
      files.push(file)
    }
  }
  return files
}
