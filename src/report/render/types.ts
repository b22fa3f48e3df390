import type {ReportDocument} from '../model.js'

export const FORMATS = ['html', 'md', 'csv', 'xlsx', 'json', 'png', 'pdf'] as const
export type Format = (typeof FORMATS)[number]

/** What every renderer gets besides the document. */
export interface RenderContext {
  /** Every chart of the document rendered once as PNG, by chart id (empty when no format needs PNG charts). */
  charts: Map<string, Buffer>
  /** The same charts as the PDF's images (made from their pixels as drawn), when the pdf format is asked for. */
  chartImages?: Map<string, ChartImage>
  /** A folder holding report.html / report.md templates to use instead of the bundled ones. */
  templateDir?: string
  /** CSV: start with a UTF-8 byte order mark. */
  bom: boolean
}

/** A chart as a PDF image: 8-bit RGB on white, its rows PNG-filtered ("Up") and deflated. */
export interface ChartImage {
  width: number
  height: number
  /** The rows as the image's FlateDecode stream with the PNG predictors (DecodeParms /Predictor 15). */
  data: Buffer
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
