import {readFileSync} from 'node:fs'
import {promisify} from 'node:util'
import {deflate} from 'node:zlib'

import type {Lang} from '../../domain/lang.js'
import {characterRanges, covers, type CharacterRanges} from '../cmap.js'
import {type Family, fontOrder, fontSubsets, SOURCES} from '../embed-fonts.js'
import {fontPath} from '../fonts.js'
import {label} from '../i18n.js'
import type {ChartPixels} from '../charts.js'
import type {ChartSpec, ReportColumn, ReportDocument, ReportTable, Section} from '../model.js'
import {layOutDirectly} from './pdf-layout.js'
import {EMPTY_CELL, formatCell, headingParts, isNumericKind, ui} from './html.js'
import type {ChartImage, RenderContext, RenderedFile, Renderer} from './types.js'

/**
 * One `report.pdf` for the archive: the same content as report.html
 * (summary cards, every table with its totals, every chart as the chart
 * renderer drew it, the assumptions register, method notes, provenance) on
 * A4 pages with a header (the report's title and date) and page numbers.
 * Tables break across pages and repeat their header row. Text is set in Noto
 * Sans JP and TC, embedded as subsets: the language picks the first family,
 * and a text the first cannot draw whole is set in the second where it must,
 * and in DejaVu Sans where neither has a character (the floor brackets ⌊ ⌋
 * of the method notes). PDFKit is handed HarfBuzz subsets of the fonts for
 * the document's characters (kept in kasumi's cache, as the HTML's are), not
 * the whole fonts: text is measured and laid out the same, and PDFKit's own
 * subsetting for the file no longer parses a whole CJK font's CFF table. A
 * character the subsets lack is still drawn, from the whole font.
 *
 * The bytes depend only on the document and its creation time: the PDF's
 * dates are the report's time, and its ID is derived from them.
 */

type PDFDoc = PDFKit.PDFDocument

const PAGE = {width: 595.28, height: 841.89}
const MARGIN = {top: 62, bottom: 54, left: 42, right: 42}
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right
const BOTTOM = PAGE.height - MARGIN.bottom

const COLOUR = {text: '#1f2328', muted: '#57606a', rule: '#d0d7de', stripe: '#f6f8fa', accent: '#0072b2', total: '#eef4fa'}
const SIZE = {title: 18, subtitle: 10, heading: 13, caption: 9, body: 9, table: 7.5, small: 7, header: 7.5}
const CELL = {padX: 3.5, padY: 2.5}
/** A text column is never narrower than this, nor (while there is room) wider. */
const TEXT_COLUMN = {min: 42, max: 190}
const MIN_TABLE_SIZE = 5
const LINE_GAP = 1

interface TextStyle {
  size: number
  bold?: boolean
  colour?: string
}

/** A font PDFKit knows: a family's subset, or (for a character the subset lacks) the whole font. */
type FontKey = Family | `${Family}-whole`

interface Run {
  family: FontKey
  text: string
}

type Has = (codePoint: number) => boolean

/** Sets text in the report's fonts, choosing the family by the text. */
class Typesetter {
  constructor(
    readonly doc: PDFDoc,
    readonly lang: Lang,
    /** The characters of each family's subset. */
    private readonly subset: Record<Family, Has>,
    /** The characters of each family's whole font. */
    private readonly whole: Record<Family, Has>,
  ) {}

  private has(family: FontKey, code: number): boolean {
    return family.endsWith('-whole') ? this.whole[family.slice(0, -'-whole'.length) as Family](code) : this.subset[family as Family](code)
  }

  private readonly split = new Map<string, Run[]>()

  /**
   * The text in runs of one family: the first family wherever it has the
   * character, else the second, else the fallback (remembered: a cell's text
   * is split when measured, when its height is found and when it is written).
   */
  runs(text: string): Run[] {
    let runs = this.split.get(text)
    if (!runs) {
      runs = this.splitRuns(text)
      this.split.set(text, runs)
    }
    return runs
  }

  private splitRuns(text: string): Run[] {
    const [first, second] = fontOrder(this.lang)
    const runs: Run[] = []
    for (const char of text) {
      const code = char.codePointAt(0)!
      const current = runs.at(-1)
      // A character several families have stays in the current run (spaces, digits, Latin); one none has is set in the first.
      const order = [first, second, 'fallback'] as const
      let family: FontKey | undefined = current && this.has(current.family, code) ? current.family : order.find((each) => this.subset[each](code))
      if (family === undefined) {
        const inWhole = order.find((each) => this.whole[each](code))
        family = inWhole ? `${inWhole}-whole` : first
      }
      if (current && current.family === family) current.text += char
      else runs.push({family, text: char})
    }
    return runs
  }

  use(family: FontKey, style: TextStyle): void {
    this.doc.font(`${family}-${style.bold ? 'bold' : 'regular'}`)
    // PDFKit opens a font when it is first used: from then on, runs the shaper would not change skip it.
    layOutDirectly((this.doc as unknown as {_font?: unknown})._font)
    this.doc.fontSize(style.size).fillColor(style.colour ?? COLOUR.text)
  }

  private readonly widths = new Map<string, number>()

  /** The width of a text on one line (remembered: tables repeat their figures). */
  width(text: string, style: TextStyle): number {
    const key = `${style.size}${style.bold ? 'b' : 'r'}${text}`
    let width = this.widths.get(key)
    if (width === undefined) {
      width = 0
      for (const run of this.runs(text)) {
        this.use(run.family, style)
        width += this.doc.widthOfString(run.text)
      }
      this.widths.set(key, width)
    }
    return width
  }

  private readonly heights = new Map<string, number>()

  /**
   * The height of a text wrapped to a width: one line when it fits, else as
   * PDFKit wraps it (remembered by font, size and width: a column's names and
   * headings recur).
   */
  height(text: string, style: TextStyle, width: number): number {
    const family = this.runs(text)[0]?.family ?? fontOrder(this.lang)[0]
    this.use(family, style)
    if (this.width(text, style) <= width && !text.includes('\n')) return this.doc.currentLineHeight(true) + LINE_GAP
    const key = `${family}${style.bold ? 'b' : 'r'}${style.size}/${width}/${text}`
    let height = this.heights.get(key)
    if (height === undefined) {
      height = this.doc.heightOfString(text || ' ', {width, lineGap: LINE_GAP})
      this.heights.set(key, height)
    }
    return height
  }

  /** Writes a text at a place, wrapped to a width; the flow continues below it. */
  write(text: string, x: number, y: number, style: TextStyle, options: {width: number; align?: 'left' | 'right' | 'center'}): void {
    const runs = this.runs(text)
    if (runs.length === 0) return
    const width = this.width(text, style)
    if (width <= options.width && !text.includes('\n')) {
      // One line that fits (most table cells): each run set where it goes, without PDFKit's line wrapper, which
      // would measure the text word by word again.
      this.use(runs[0].family, style)
      const lineHeight = this.doc.currentLineHeight(true)
      let at = options.align === 'right' ? x + options.width - width : options.align === 'center' ? x + (options.width - width) / 2 : x
      for (const run of runs) {
        this.use(run.family, style)
        // Without a width, PDFKit sets the text on one line and moves x past it.
        this.doc.text(run.text, at, y, {lineBreak: false})
        at = this.doc.x
      }
      this.doc.x = x
      this.doc.y = y + lineHeight + LINE_GAP
      return
    }
    runs.forEach((run, index) => {
      this.use(run.family, style)
      const more = index < runs.length - 1
      const settings = {width: options.width, align: runs.length === 1 ? options.align : 'left', lineGap: LINE_GAP, continued: more}
      if (index === 0) this.doc.text(run.text, x, y, settings)
      else this.doc.text(run.text, settings)
    })
  }
}

/**
 * Whether a family's whole font has a character, read from its cmap when
 * first asked. It is asked only for a character no subset holds: the subsets
 * hold every character of the document's text that a font has, so the whole
 * fonts are read only for a character drawn outside that text.
 */
function wholeCoverage(family: Family): Has {
  let ranges: CharacterRanges | undefined
  return (code) => {
    const {pkg, file} = SOURCES[family][0]
    ranges ??= characterRanges(readFileSync(fontPath(pkg, file)))
    return covers(ranges, code)
  }
}

/** The whole report as PDF bytes. */
export async function pdfBytes(document: ReportDocument, context: RenderContext): Promise<Buffer> {
  const {default: PDFDocument} = await import('pdfkit')
  const [first, second] = fontOrder(document.lang)
  const whole = {[first]: wholeCoverage(first), [second]: wholeCoverage(second), fallback: wholeCoverage('fallback')} as Record<Family, Has>
  const subsets = await fontSubsets(documentText(document), document.lang)
  // A document without provenance has no time of its own: the epoch keeps its bytes fixed.
  const created = new Date(document.provenance?.createdAt ?? 0)
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    autoFirstPage: true,
    pdfVersion: '1.7',
    lang: document.lang,
    displayTitle: true,
    info: {
      Title: document.title,
      ...(document.subtitle ? {Subject: document.subtitle} : {}),
      Creator: document.provenance ? `kasumi ${document.provenance.kasumi}` : 'kasumi',
      Producer: 'kasumi (PDFKit)',
      CreationDate: created,
      ModDate: created,
    },
  })
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve)
    doc.on('error', reject)
  })
  // PDFKit reads and embeds a font only when text is set in it.
  const subset = {} as Record<Family, Has>
  for (const family of [first, second, 'fallback'] as const) {
    const [regular, bold] = SOURCES[family]
    const cut = subsets.find((each) => each.family === family)
    const codes = new Set(cut?.characters.map((char) => char.codePointAt(0)!))
    subset[family] = (code) => codes.has(code)
    if (cut) {
      doc.registerFont(`${family}-regular`, cut.regular)
      doc.registerFont(`${family}-bold`, cut.bold)
    }
    // By path: PDFKit reads a whole font only if a character the subsets lack is set in it.
    doc.registerFont(`${family}-whole-regular`, fontPath(regular.pkg, regular.file))
    doc.registerFont(`${family}-whole-bold`, fontPath(bold.pkg, bold.file))
  }
  const type = new Typesetter(doc, document.lang, subset, whole)
  const charts = new Map<string, ChartXObject>()
  for (const [id, source] of context.chartImages?.size ? context.chartImages : context.charts) {
    const image = Buffer.isBuffer(source) ? await chartImage(source) : source
    charts.set(id, new ChartXObject(`Chart${charts.size + 1}`, image.width, image.height, image.data))
  }

  titleBlock(type, document)
  for (const section of document.sections) sectionPdf(type, section, document, charts)
  provenancePdf(type, document)
  decoratePages(type, document, created)

  doc.end()
  await ended
  return Buffer.concat(chunks)
}

/** Every text the PDF draws (a character more does no harm; one missed is drawn from the whole font). */
export function documentText(document: ReportDocument): string {
  const {lang} = document
  const parts: string[] = ['…', EMPTY_CELL, document.title, document.subtitle ?? '', ui('chartMissing', lang)]
  for (const section of document.sections) {
    parts.push(section.title, ...(section.paragraphs ?? []))
    for (const figure of section.figures ?? []) parts.push(figure.label, figure.value)
    for (const table of section.tables ?? []) {
      parts.push(table.title, table.note ?? '', ...tableHeadings(table, document))
      for (const row of [...table.rows, ...(table.totals ?? [])])
        for (const column of table.columns) parts.push(formatCell(row[column.key] ?? null, column.kind))
    }
    for (const chart of section.charts ?? []) parts.push(chart.title)
  }
  const provenance = document.provenance
  if (provenance) {
    parts.push(label('provenance', lang), provenance.kasumi, provenance.createdAt, provenance.command)
    parts.push(...(['version', 'created', 'command', 'inputs', 'role', 'file', 'rows'] as const).map((key) => ui(key, lang)))
    for (const input of provenance.inputs) parts.push(input.role, input.file, input.sha256)
  }
  return parts.join('\n')
}

/** Starts a new page unless `height` more points fit on this one. */
function ensure(type: Typesetter, height: number): void {
  if (type.doc.y + height > BOTTOM) {
    type.doc.addPage()
    type.doc.y = MARGIN.top
  }
}

function titleBlock(type: Typesetter, document: ReportDocument): void {
  const {doc} = type
  type.write(document.title, MARGIN.left, MARGIN.top, {size: SIZE.title, bold: true}, {width: CONTENT_WIDTH})
  if (document.subtitle) {
    doc.moveDown(0.2)
    type.write(document.subtitle, MARGIN.left, doc.y, {size: SIZE.subtitle, colour: COLOUR.muted}, {width: CONTENT_WIDTH})
  }
  doc.y += 14
}

function headingPdf(type: Typesetter, title: string): void {
  const {doc} = type
  // A heading keeps with what follows it.
  ensure(type, 110)
  if (doc.y > MARGIN.top + 1) doc.y += 8
  doc.outline.addItem(title)
  type.write(title, MARGIN.left, doc.y, {size: SIZE.heading, bold: true}, {width: CONTENT_WIDTH})
  doc.y += 2
  doc
    .moveTo(MARGIN.left, doc.y)
    .lineTo(MARGIN.left + CONTENT_WIDTH, doc.y)
    .lineWidth(1.5)
    .strokeColor(COLOUR.accent)
    .stroke()
  doc.y += 8
}

function paragraphPdf(type: Typesetter, text: string, style: TextStyle = {size: SIZE.body}): void {
  ensure(type, type.height(text, style, CONTENT_WIDTH) > 200 ? 40 : type.height(text, style, CONTENT_WIDTH))
  type.write(text, MARGIN.left, type.doc.y, style, {width: CONTENT_WIDTH})
  type.doc.y += 5
}

function sectionPdf(type: Typesetter, section: Section, document: ReportDocument, charts: ReadonlyMap<string, ChartXObject>): void {
  headingPdf(type, section.title)
  for (const paragraph of section.paragraphs ?? []) paragraphPdf(type, paragraph)
  if (section.figures?.length) figuresPdf(type, section.figures)
  for (const table of section.tables ?? []) tablePdf(type, table, document, section.title)
  for (const chart of section.charts ?? []) chartPdf(type, chart, charts.get(chart.id), document.lang)
}

/** Key figures as cards, three to a row. */
function figuresPdf(type: Typesetter, figures: ReadonlyArray<{label: string; value: string}>): void {
  const {doc} = type
  const gap = 8
  const columns = 3
  const width = (CONTENT_WIDTH - gap * (columns - 1)) / columns
  const labelStyle = {size: SIZE.small, colour: COLOUR.muted}
  const valueStyle = {size: 10.5, bold: true}
  for (let start = 0; start < figures.length; start += columns) {
    const row = figures.slice(start, start + columns)
    const height =
      Math.max(...row.map((figure) => type.height(figure.label, labelStyle, width - 16) + type.height(figure.value, valueStyle, width - 16))) + 14
    ensure(type, height + gap)
    const top = doc.y
    row.forEach((figure, index) => {
      const x = MARGIN.left + index * (width + gap)
      doc.roundedRect(x, top, width, height, 4).lineWidth(0.6).strokeColor(COLOUR.rule).stroke()
      type.write(figure.label, x + 8, top + 6, labelStyle, {width: width - 16})
      type.write(figure.value, x + 8, doc.y + 1, valueStyle, {width: width - 16})
    })
    doc.y = top + height + gap
  }
  doc.y += 4
}

interface Layout {
  widths: number[]
  size: number
}

/** Column widths: every column as wide as its widest cell while the page allows; numbers never wrap, text and headings may. */
function layoutTable(type: Typesetter, headings: string[], columns: readonly ReportColumn[], cells: string[][]): Layout {
  const measure = (size: number) => {
    const cell = (text: string, bold = false) => type.width(text, {size, bold}) + 2 * CELL.padX + 0.5
    const natural = columns.map((_, index) => Math.max(cell(headings[index], true), ...cells.map((row) => cell(row[index], false))))
    const least = columns.map((column, index) =>
      isNumericKind(column.kind)
        ? Math.max(...cells.map((row) => cell(row[index])), cell('0000', true))
        : Math.min(natural[index], Math.max(TEXT_COLUMN.min * (size / SIZE.table), longestWord(headings[index], cell))),
    )
    return {natural: natural.map((width, index) => (isNumericKind(columns[index].kind) ? width : Math.min(width, TEXT_COLUMN.max))), least}
  }
  let size = SIZE.table
  let {natural, least} = measure(size)
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)
  // Too many columns for the page even at their narrowest: a smaller type for this table.
  if (sum(least) > CONTENT_WIDTH) {
    size = Math.max(MIN_TABLE_SIZE, Math.floor(((size * CONTENT_WIDTH) / sum(least)) * 10) / 10)
    ;({natural, least} = measure(size))
  }
  if (sum(natural) <= CONTENT_WIDTH) return {widths: natural, size}
  const spare = Math.max(0, CONTENT_WIDTH - sum(least))
  const wanted = natural.map((width, index) => Math.max(0, width - least[index]))
  const total = sum(wanted) || 1
  return {widths: least.map((width, index) => width + (spare * wanted[index]) / total), size}
}

/** The width of a heading's longest word (Latin words do not break inside; CJK text breaks anywhere). */
function longestWord(text: string, measure: (text: string, bold?: boolean) => number): number {
  return Math.max(
    0,
    ...text
      .split(/\s+/)
      .filter((word) => /^[\p{Script=Latin}\p{N}\p{P}]+$/u.test(word))
      .map((word) => measure(word, true)),
  )
}

function tableHeadings(table: ReportTable, document: ReportDocument): string[] {
  return table.columns.map((column) => {
    const {label: text, unit} = headingParts(column, document)
    return unit ? (text ? `${text} (${unit})` : unit) : text
  })
}

function tablePdf(type: Typesetter, table: ReportTable, document: ReportDocument, sectionTitle: string): void {
  const headings = tableHeadings(table, document)
  const body = table.rows.map((row) => table.columns.map((column) => formatCell(row[column.key] ?? null, column.kind)))
  const totals = (table.totals ?? []).map((row) => table.columns.map((column) => formatCell(row[column.key] ?? null, column.kind)))
  const caption = table.title && table.title !== sectionTitle ? table.title : undefined
  drawTable(type, {caption, headings, columns: table.columns, body, totals, note: table.note})
}

interface TableSpec {
  caption?: string
  headings: string[]
  columns: readonly ReportColumn[]
  body: string[][]
  totals: string[][]
  note?: string
}

/** Draws a table, starting a new page (and repeating the header row) wherever the next row does not fit. */
function drawTable(type: Typesetter, spec: TableSpec): void {
  const {doc} = type
  const {widths, size} = layoutTable(type, spec.headings, spec.columns, [...spec.body, ...spec.totals])
  const xs = widths.map((_, index) => MARGIN.left + widths.slice(0, index).reduce((sum, width) => sum + width, 0))
  const tableWidth = widths.reduce((sum, width) => sum + width, 0)
  const align = (index: number) => (isNumericKind(spec.columns[index].kind) ? 'right' : 'left')
  const rowHeight = (cells: string[], bold: boolean) =>
    Math.max(...cells.map((text, index) => type.height(text, {size, bold}, widths[index] - 2 * CELL.padX))) + 2 * CELL.padY

  const headerHeight = rowHeight(spec.headings, true)
  const drawHeader = () => {
    const top = doc.y
    doc.rect(MARGIN.left, top, tableWidth, headerHeight).fill(COLOUR.stripe)
    spec.headings.forEach((text, index) =>
      type.write(text, xs[index] + CELL.padX, top + CELL.padY, {size, bold: true}, {width: widths[index] - 2 * CELL.padX, align: align(index)}),
    )
    doc
      .moveTo(MARGIN.left, top + headerHeight)
      .lineTo(MARGIN.left + tableWidth, top + headerHeight)
      .lineWidth(1)
      .strokeColor(COLOUR.rule)
      .stroke()
    doc.y = top + headerHeight
  }
  const drawRow = (cells: string[], kind: 'body' | 'total', first: boolean) => {
    const bold = kind === 'total'
    const height = rowHeight(cells, bold)
    if (doc.y + height > BOTTOM) {
      doc.addPage()
      doc.y = MARGIN.top
      drawHeader()
    }
    const top = doc.y
    if (kind === 'total') {
      doc.rect(MARGIN.left, top, tableWidth, height).fill(COLOUR.total)
      if (first)
        doc
          .moveTo(MARGIN.left, top)
          .lineTo(MARGIN.left + tableWidth, top)
          .lineWidth(1.2)
          .strokeColor(COLOUR.text)
          .stroke()
    }
    cells.forEach((text, index) => {
      const colour = text === EMPTY_CELL ? COLOUR.muted : COLOUR.text
      type.write(text, xs[index] + CELL.padX, top + CELL.padY, {size, bold, colour}, {width: widths[index] - 2 * CELL.padX, align: align(index)})
    })
    doc
      .moveTo(MARGIN.left, top + height)
      .lineTo(MARGIN.left + tableWidth, top + height)
      .lineWidth(0.4)
      .strokeColor(COLOUR.rule)
      .stroke()
    doc.y = top + height
  }

  const captionHeight = spec.caption ? type.height(spec.caption, {size: SIZE.caption, bold: true}, CONTENT_WIDTH) + 3 : 0
  const firstRow = spec.body[0] ?? spec.totals[0]
  // The caption, the header and the first row stay together.
  ensure(type, captionHeight + headerHeight + (firstRow ? rowHeight(firstRow, false) : 0))
  if (spec.caption) {
    type.write(spec.caption, MARGIN.left, doc.y, {size: SIZE.caption, bold: true}, {width: CONTENT_WIDTH})
    doc.y += 3
  }
  drawHeader()
  for (const row of spec.body) drawRow(row, 'body', false)
  spec.totals.forEach((row, index) => drawRow(row, 'total', index === 0))
  doc.y += 4
  if (spec.note) paragraphPdf(type, spec.note, {size: SIZE.small, colour: COLOUR.muted})
  doc.y += 8
}

const deflated = promisify(deflate)

/**
 * A chart's pixels (RGBA with the colour multiplied by the alpha, as the
 * canvas keeps them) as an opaque RGB image drawn on white: each channel
 * plus the white showing through (255 - alpha), which leaves an opaque pixel
 * as it is. The rows are "Up"-filtered (each byte less the one above it),
 * which suits charts' flat areas, and deflated (on the thread pool).
 */
export async function pixelImage({width, height, rgba}: ChartPixels): Promise<ChartImage> {
  const stride = width * 3
  const rows = Buffer.allocUnsafe((stride + 1) * height)
  const line = width * 4
  for (let y = 0; y < height; y++) {
    let out = y * (stride + 1)
    rows[out++] = 2 // filter: Up
    const end = (y + 1) * line
    if (y === 0) {
      for (let at = 0; at < end; at += 4, out += 3) {
        const white = 255 - rgba[at + 3]
        rows[out] = rgba[at] + white
        rows[out + 1] = rgba[at + 1] + white
        rows[out + 2] = rgba[at + 2] + white
      }
      continue
    }
    for (let at = y * line; at < end; at += 4, out += 3) {
      const white = 255 - rgba[at + 3]
      const above = at - line
      const whiteAbove = 255 - rgba[above + 3]
      // A Buffer keeps the low 8 bits: the difference modulo 256, as the filter wants.
      rows[out] = rgba[at] + white - rgba[above] - whiteAbove
      rows[out + 1] = rgba[at + 1] + white - rgba[above + 1] - whiteAbove
      rows[out + 2] = rgba[at + 2] + white - rgba[above + 2] - whiteAbove
    }
  }
  return {width, height, data: await deflated(rows)}
}

/** A chart's PNG as the same image (for a caller that has only the PNG): decoded and drawn on white by the canvas. */
export async function chartImage(png: Buffer): Promise<ChartImage> {
  const {createCanvas, loadImage} = await import('@napi-rs/canvas')
  const image = await loadImage(png)
  const {width, height} = image
  const canvas = createCanvas(width, height)
  const context = canvas.getContext('2d')
  context.fillStyle = '#ffffff'
  context.fillRect(0, 0, width, height)
  context.drawImage(image, 0, 0)
  return pixelImage({width, height, rgba: canvas.data()})
}

/**
 * What PDFKit's image() takes in place of a file: an image that writes its
 * own XObject, once. PDFKit's own PNG path reads the file byte by byte (0.3 s
 * or more for a report's charts) and, for a PNG with an alpha channel, splits
 * it on the thread pool, finishing in no fixed order, so that the file's
 * bytes would vary from run to run.
 */
class ChartXObject {
  obj?: PDFKit.PDFKitReference
  constructor(
    readonly label: string,
    readonly width: number,
    readonly height: number,
    private readonly data: Buffer,
  ) {}

  embed(doc: PDFDoc): void {
    const obj = doc.ref({
      Type: 'XObject',
      Subtype: 'Image',
      Width: this.width,
      Height: this.height,
      BitsPerComponent: 8,
      ColorSpace: 'DeviceRGB',
      Filter: 'FlateDecode',
      DecodeParms: {Predictor: 15, Colors: 3, BitsPerComponent: 8, Columns: this.width},
    })
    obj.end(this.data)
    this.obj = obj
  }
}

function chartPdf(type: Typesetter, spec: ChartSpec, image: ChartXObject | undefined, lang: Lang): void {
  const {doc} = type
  if (!image) {
    paragraphPdf(type, `${spec.title} — ${ui('chartMissing', lang)}`, {size: SIZE.body, colour: COLOUR.muted})
    return
  }
  let width = CONTENT_WIDTH
  let height = (width * image.height) / image.width
  const tallest = (BOTTOM - MARGIN.top) * 0.6
  if (height > tallest) {
    width = (width * tallest) / height
    height = tallest
  }
  ensure(type, height + 6)
  // PDFKit takes an object with a width, a height and embed() as an image of its own.
  doc.image(image as unknown as Buffer, MARGIN.left + (CONTENT_WIDTH - width) / 2, doc.y, {width, height})
  doc.y += height + 12
}

function provenancePdf(type: Typesetter, document: ReportDocument): void {
  const provenance = document.provenance
  if (!provenance) return
  const lang = document.lang
  headingPdf(type, label('provenance', lang))
  const facts: Array<[string, string]> = [
    [ui('version', lang), provenance.kasumi],
    [ui('created', lang), provenance.createdAt],
    [ui('command', lang), provenance.command],
  ]
  const keyWidth = 110
  for (const [key, value] of facts) {
    const height = Math.max(type.height(key, {size: SIZE.body}, keyWidth), type.height(value, {size: SIZE.body}, CONTENT_WIDTH - keyWidth))
    ensure(type, height + 3)
    const top = type.doc.y
    type.write(key, MARGIN.left, top, {size: SIZE.body, colour: COLOUR.muted}, {width: keyWidth})
    type.write(value, MARGIN.left + keyWidth, top, {size: SIZE.body}, {width: CONTENT_WIDTH - keyWidth})
    type.doc.y = top + height + 3
  }
  if (provenance.inputs.length === 0) return
  type.doc.y += 6
  const columns: ReportColumn[] = [
    {key: 'role', label: ui('role', lang), kind: 'text'},
    {key: 'file', label: ui('file', lang), kind: 'text'},
    {key: 'sha256', label: 'SHA-256', kind: 'text'},
    {key: 'rows', label: ui('rows', lang), kind: 'count'},
  ]
  drawTable(type, {
    caption: ui('inputs', lang),
    headings: columns.map((column) => column.label),
    columns,
    body: provenance.inputs.map((input) => [
      input.role,
      input.file,
      input.sha256,
      input.rows === undefined ? EMPTY_CELL : formatCell(String(input.rows), 'count'),
    ]),
    totals: [],
  })
}

/** Every page's header (the title and the report's date) and footer (page N / total). */
function decoratePages(type: Typesetter, document: ReportDocument, created: Date): void {
  const {doc} = type
  const {start, count} = doc.bufferedPageRange()
  const date = created.toISOString().slice(0, 10)
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index)
    // Drawing in the margins: no automatic page break while doing so.
    const margins = doc.page.margins
    doc.page.margins = {top: 0, bottom: 0, left: 0, right: 0}
    const dateWidth = type.width(date, {size: SIZE.small})
    type.write(date, PAGE.width - MARGIN.right - dateWidth, 30, {size: SIZE.small, colour: COLOUR.muted}, {width: dateWidth + 1})
    const titleWidth = CONTENT_WIDTH - dateWidth - 16
    type.write(fitted(type, document.title, titleWidth), MARGIN.left, 30, {size: SIZE.small, colour: COLOUR.muted}, {width: titleWidth})
    doc
      .moveTo(MARGIN.left, 42)
      .lineTo(PAGE.width - MARGIN.right, 42)
      .lineWidth(0.5)
      .strokeColor(COLOUR.rule)
      .stroke()
    const number = `${index - start + 1} / ${count}`
    type.write(number, MARGIN.left, PAGE.height - 34, {size: SIZE.small, colour: COLOUR.muted}, {width: CONTENT_WIDTH, align: 'center'})
    doc.page.margins = margins
  }
}

/** A text cut to fit one line of a width, with an ellipsis when cut. */
function fitted(type: Typesetter, text: string, width: number): string {
  const style = {size: SIZE.small}
  if (type.width(text, style) <= width) return text
  const chars = [...text]
  while (chars.length > 1 && type.width(`${chars.join('')}…`, style) > width) chars.pop()
  return `${chars.join('')}…`
}

/** The pdf format: one report.pdf. */
export const renderPdf: Renderer = async (document, context): Promise<RenderedFile[]> => [
  {path: 'report.pdf', content: await pdfBytes(document, context)},
]
