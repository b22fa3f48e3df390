import type {ChartPixels} from '../charts.js'
import type {ReportDocument} from '../model.js'

export const FORMATS = ['html', 'md', 'csv', 'xlsx', 'json', 'png', 'pdf'] as const
export type Format = (typeof FORMATS)[number]

/** What every renderer gets besides the document. */
export interface RenderContext {
  /** Every chart of the document rendered once as PNG, by chart id (empty when no format needs PNG charts). */
  charts: Map<string, Buffer>
  /** The same charts as pixels, for a format that encodes them itself (PDF); absent or empty when none does. */
  chartPixels?: Map<string, ChartPixels>
  /** A folder holding report.html / report.md templates to use instead of the bundled ones. */
  templateDir?: string
  /** CSV: start with a UTF-8 byte order mark. */
  bom: boolean
}

/** A font subset a file carries. */
export interface EmbeddedFontFace {
  family: string
  weight: number
  /** The font file the subset was cut from. */
  file: string
  characters: number
  bytes: number
}

/** A file a renderer produces, relative to the report folder. */
export interface RenderedFile {
  path: string
  content: Buffer | string
  /** The fonts the file embeds (report.html): the subsets, the characters no font has, and the bytes they add. */
  fonts?: {faces: EmbeddedFontFace[]; missing: string[]; addedBytes: number}
}

export type Renderer = (document: ReportDocument, context: RenderContext) => Promise<RenderedFile[]>
