import type {ReportDocument} from '../model.js'

export const FORMATS = ['html', 'md', 'csv', 'xlsx', 'json', 'png'] as const
export type Format = (typeof FORMATS)[number]

/** What every renderer gets besides the document. */
export interface RenderContext {
  /** Every chart of the document rendered once as PNG, by chart id (empty when no format needs charts). */
  charts: Map<string, Buffer>
  /** A folder holding report.html / report.md templates to use instead of the bundled ones. */
  templateDir?: string
  /** CSV: start with a UTF-8 byte order mark. */
  bom: boolean
}

/** A file a renderer produces, relative to the report folder. */
export interface RenderedFile {
  path: string
  content: Buffer | string
}

export type Renderer = (document: ReportDocument, context: RenderContext) => Promise<RenderedFile[]>
