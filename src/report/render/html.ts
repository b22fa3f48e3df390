import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {Dec, groupDigits} from '../../domain/money.js'
import {PACKAGE_ROOT} from '../../platform/paths.js'
import {labelsFor, type Labels} from '../../domain/labels/index.js'
import {label, type LabelKey} from '../i18n.js'
import type {Cell, ChartSpec, ColumnKind, ReportColumn, ReportDocument, ReportTable, Section} from '../model.js'
import type {Lang} from '../../domain/lang.js'
import type {RenderContext, RenderedFile, Renderer} from './types.js'

/**
 * One self-contained `report.html`: styles inline, charts as data: URIs, no
 * scripts and no external references, so that it can be mailed, archived and
 * printed as it is. Every text is escaped: names of systems and ministries
 * are user data.
 */

export const DEFAULT_TEMPLATE_DIR = join(PACKAGE_ROOT, 'reports', 'templates', 'default')

/* ---------- cell formatting, shared with the Markdown renderer ---------- */

const NUMERIC_KINDS: ReadonlySet<ColumnKind> = new Set(['money', 'thousands', 'hours', 'fte', 'year', 'count', 'ratio', 'percent'])
const NUMBER = /^-?\d+(\.\d+)?$/
export const EMPTY_CELL = '—'

export function isNumericKind(kind: ColumnKind): boolean {
  return NUMERIC_KINDS.has(kind)
}

/** The exact figure of a numeric cell as a canonical string, or undefined for text (e.g. "Total" in a year column). */
export function exactValue(cell: Cell): string | undefined {
  if (cell === null) return undefined
  const text = typeof cell === 'number' ? (Number.isFinite(cell) ? new Dec(cell).toFixed() : '') : cell.trim()
  return NUMBER.test(text) ? text : undefined
}

function rounded(value: string, places: number, divisor = 1): string {
  return groupDigits(new Dec(value).dividedBy(divisor).toDecimalPlaces(places, Dec.ROUND_HALF_UP).toFixed(places))
}

/**
 * A cell as shown. Money (currency units) is shown in thousands, rounded half
 * up and grouped; 'thousands' are already thousands; hours and counts are
 * grouped integers; FTE has one decimal; years are as they are; null is "—".
 */
export function formatCell(cell: Cell, kind: ColumnKind): string {
  if (cell === null) return EMPTY_CELL
  const exact = exactValue(cell)
  if (exact === undefined || kind === 'text' || kind === 'year') return String(cell)
  switch (kind) {
    case 'money':
      return rounded(exact, 0, 1000)
    case 'thousands':
    case 'hours':
    case 'count':
      return rounded(exact, 0)
    case 'fte':
      return rounded(exact, 1)
    case 'percent':
      return `${rounded(exact, 1)}%`
    case 'ratio':
      return groupDigits(new Dec(exact).toDecimalPlaces(3, Dec.ROUND_HALF_UP).toFixed())
  }
}

/** The unit money columns are shown in: 千円 for yen, else thousands of the currency. */
export function moneyUnit(currency: string, lang: Lang): string {
  if (currency === 'JPY') return label('thousandYen', lang)
  return lang === 'en' ? `thousand ${currency}` : `千${currency}`
}

/** A column heading and, for money columns whose label does not name it, the unit it is shown in. */
export function headingParts(column: ReportColumn, document: Pick<ReportDocument, 'currency' | 'lang'>): {label: string; unit?: string} {
  if (column.kind !== 'money') return {label: column.label}
  const unit = moneyUnit(document.currency, document.lang)
  return column.label.includes(unit) ? {label: column.label} : {label: column.label, unit}
}

/** A column heading as text: "Savings (thousand yen)". */
export function columnHeading(column: ReportColumn, document: Pick<ReportDocument, 'currency' | 'lang'>): string {
  const {label: text, unit} = headingParts(column, document)
  if (!unit) return text
  return text ? `${text} (${unit})` : unit
}

/** A stable id for a summary figure: the i18n key its label comes from (figure-npv, figure-run-rate …), else its position. */
export function figureId(section: Section, index: number, lang: Lang): string {
  const figure = section.figures![index]
  const labels = labelsFor(lang).report
  const key = (Object.keys(labels) as LabelKey[]).find((candidate) => labels[candidate] === figure.label)
  return key ? `figure-${kebab(key)}` : `figure-${section.id}-${index + 1}`
}

function kebab(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()
}

/* ---------- HTML ---------- */

const ESCAPES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char])
}

/** An id usable in HTML and in a #fragment. */
function anchor(prefix: string, id: string): string {
  return `${prefix}-${id.replace(/[^\p{L}\p{N}_-]+/gu, '-')}`
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): {width: number; height: number} | undefined {
  if (png.length < 24 || png.readUInt32BE(12) !== 0x49484452) return undefined
  return {width: png.readUInt32BE(16), height: png.readUInt32BE(20)}
}

/** Text cells longer than this may wrap; shorter ones keep to one line. */
const WRAP_AFTER = 24

export function ui(key: keyof Labels['html'], lang: Lang): string {
  return labelsFor(lang).html[key]
}

function tableHtml(table: ReportTable, document: ReportDocument, sectionTitle: string): string {
  const head = table.columns
    .map((column) => {
      const {label: text, unit} = headingParts(column, document)
      // The unit never breaks across lines: "(千円)" stays whole.
      const shown = unit ? `${text ? `${escapeHtml(text)} ` : ''}<span class="unit">(${escapeHtml(unit)})</span>` : escapeHtml(text)
      return `<th scope="col"${isNumericKind(column.kind) ? ' class="num"' : ''}>${shown}</th>`
    })
    .join('')
  const row = (values: Record<string, Cell>) =>
    `<tr>${table.columns
      .map((column) => {
        const cell = values[column.key] ?? null
        const exact = isNumericKind(column.kind) ? exactValue(cell) : undefined
        const shown = formatCell(cell, column.kind)
        const classes = [
          ...(isNumericKind(column.kind) && (exact !== undefined || cell === null) ? ['num'] : []),
          ...(cell === null ? ['empty'] : []),
          ...(exact === undefined && shown.length > WRAP_AFTER ? ['wrap'] : []),
        ]
        const attributes = [
          ...(classes.length ? [`class="${classes.join(' ')}"`] : []),
          `data-key="${escapeHtml(column.key)}"`,
          ...(exact === undefined ? [] : [`data-value="${escapeHtml(exact)}"`]),
        ]
        return `<td ${attributes.join(' ')}>${escapeHtml(shown)}</td>`
      })
      .join('')}</tr>`
  const caption = table.title && table.title !== sectionTitle ? `<caption>${escapeHtml(table.title)}</caption>` : ''
  const foot = table.totals?.length ? `\n<tfoot>\n${table.totals.map(row).join('\n')}\n</tfoot>` : ''
  const note = table.note ? `\n<p class="note">${escapeHtml(table.note)}</p>` : ''
  return `<div class="table-wrap" id="${escapeHtml(anchor('table', table.id))}">
<table data-table="${escapeHtml(table.id)}">${caption}
<thead><tr>${head}</tr></thead>
<tbody>
${table.rows.map(row).join('\n')}
</tbody>${foot}
</table>
</div>${note}`
}

function chartHtml(spec: ChartSpec, png: Buffer | undefined, lang: Lang): string {
  const id = escapeHtml(anchor('chart', spec.id))
  if (!png)
    return `<figure class="chart chart-missing" id="${id}"><figcaption>${escapeHtml(spec.title)} — ${escapeHtml(ui('chartMissing', lang))}</figcaption></figure>`
  const size = pngSize(png)
  const dimensions = size ? ` width="${size.width}" height="${size.height}"` : ''
  return `<figure class="chart" id="${id}">
<img src="data:image/png;base64,${png.toString('base64')}" alt="${escapeHtml(spec.title)}"${dimensions} data-chart="${escapeHtml(spec.id)}">
</figure>`
}

function sectionHtml(section: Section, document: ReportDocument, context: RenderContext): string {
  const parts: string[] = [`<h2>${escapeHtml(section.title)}</h2>`]
  for (const paragraph of section.paragraphs ?? []) parts.push(`<p>${escapeHtml(paragraph)}</p>`)
  if (section.figures?.length) {
    const items = section.figures.map(
      (figure, index) =>
        `<div class="figure" id="${figureId(section, index, document.lang)}"><dt>${escapeHtml(figure.label)}</dt><dd>${escapeHtml(figure.value)}</dd></div>`,
    )
    parts.push(`<dl class="figures">\n${items.join('\n')}\n</dl>`)
  }
  for (const table of section.tables ?? []) parts.push(tableHtml(table, document, section.title))
  for (const chart of section.charts ?? []) parts.push(chartHtml(chart, context.charts.get(chart.id), document.lang))
  return `<section class="report-section" id="${escapeHtml(anchor('section', section.id))}">
${parts.join('\n')}
</section>`
}

function provenanceHtml(document: ReportDocument): string {
  const provenance = document.provenance
  if (!provenance) return ''
  const lang = document.lang
  const inputs = provenance.inputs.length
    ? `<h3>${escapeHtml(ui('inputs', lang))}</h3>
<div class="table-wrap"><table class="provenance-inputs">
<thead><tr><th scope="col">${escapeHtml(ui('role', lang))}</th><th scope="col">${escapeHtml(ui('file', lang))}</th><th scope="col">SHA-256</th><th scope="col" class="num">${escapeHtml(ui('rows', lang))}</th></tr></thead>
<tbody>
${provenance.inputs.map((input) => `<tr><td>${escapeHtml(input.role)}</td><td class="path">${escapeHtml(input.file)}</td><td class="hash">${escapeHtml(input.sha256)}</td><td class="num"${input.rows === undefined ? '' : ` data-value="${input.rows}"`}>${input.rows === undefined ? EMPTY_CELL : escapeHtml(groupDigits(String(input.rows)))}</td></tr>`).join('\n')}
</tbody>
</table></div>`
    : ''
  return `<section class="report-section provenance" id="section-provenance">
<h2>${escapeHtml(label('provenance', lang))}</h2>
<dl class="facts">
<dt>${escapeHtml(ui('version', lang))}</dt><dd>${escapeHtml(provenance.kasumi)}</dd>
<dt>${escapeHtml(ui('created', lang))}</dt><dd><time datetime="${escapeHtml(provenance.createdAt)}">${escapeHtml(provenance.createdAt)}</time></dd>
<dt>${escapeHtml(ui('command', lang))}</dt><dd><code>${escapeHtml(provenance.command)}</code></dd>
</dl>
${inputs}
</section>`
}

function tocHtml(document: ReportDocument): string {
  const entries = document.sections.map(
    (section) => `<li><a href="#${escapeHtml(anchor('section', section.id))}">${escapeHtml(section.title)}</a></li>`,
  )
  if (document.provenance) entries.push(`<li><a href="#section-provenance">${escapeHtml(label('provenance', document.lang))}</a></li>`)
  return `<nav class="toc" aria-label="${escapeHtml(ui('contents', document.lang))}">
<h2>${escapeHtml(ui('contents', document.lang))}</h2>
<ol>
${entries.join('\n')}
</ol>
</nav>`
}

/**
 * Fills `{{name}}` placeholders in one pass, so that text which itself looks
 * like a placeholder (inside a value) is left alone. Unknown names stay as
 * they are.
 */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-zA-Z]+)\s*\}\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name] : whole))
}

/** A template file from the given folder, else the bundled one. */
export async function readTemplate(file: string, templateDir?: string): Promise<string> {
  if (templateDir) {
    try {
      return await readFile(join(templateDir, file), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  return readFile(join(DEFAULT_TEMPLATE_DIR, file), 'utf8')
}

/** The text a page shows: its body without markup (entities decoded), and the alternative text of its images. */
export function visibleText(page: string): string {
  const body = page.replace(/<head\b[\s\S]*?<\/head>/i, '').replace(/<(style|script)\b[\s\S]*?<\/\1>/gi, ' ')
  const alternatives = [...body.matchAll(/<img\b[^>]*?\salt="([^"]*)"/gi)].map((match) => match[1])
  return decodeEntities([body.replace(/<[^>]*>/g, ' '), ...alternatives].join(' '))
}

const NAMED_ENTITIES: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0'}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name.toLowerCase()] ?? whole
    const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1))
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole
  })
}

/** The fonts a page carries, and the bytes they add to it. */
export type PageFonts = NonNullable<RenderedFile['fonts']>

/**
 * The whole page as a string, with the subsets of the fonts for exactly the
 * characters it shows as @font-face rules before the stylesheet.
 * Placeholders: {{lang}} {{title}} {{styles}} {{header}} {{toc}} {{body}}.
 */
export async function htmlPage(document: ReportDocument, context: RenderContext): Promise<{page: string; fonts: PageFonts}> {
  const [template, styles] = await Promise.all([readTemplate('report.html', context.templateDir), readTemplate('report.css', context.templateDir)])
  const header = `<header class="report-header">
<h1>${escapeHtml(document.title)}</h1>${document.subtitle ? `\n<p class="subtitle">${escapeHtml(document.subtitle)}</p>` : ''}
</header>`
  const body = [...document.sections.map((section) => sectionHtml(section, document, context)), provenanceHtml(document)].filter(Boolean).join('\n\n')
  const values = {
    lang: escapeHtml(document.lang),
    title: escapeHtml(document.title),
    // A stylesheet cannot close the <style> element it is placed in.
    styles: styles.replace(/<\/style/gi, '<\\/style'),
    header,
    toc: tocHtml(document),
    body,
  }
  const {embedFonts, fontFaceCss} = await import('../embed-fonts.js')
  const {faces, missing} = await embedFonts(visibleText(fillTemplate(template, values)), document.lang)
  const css = fontFaceCss(faces)
  const page = fillTemplate(template, {...values, styles: css ? `${css}\n${values.styles}` : values.styles})
  return {
    page,
    fonts: {faces: faces.map(({woff2: _woff2, ...face}) => face), missing, addedBytes: Buffer.byteLength(css ? `${css}\n` : '')},
  }
}

/** The html format: one self-contained report.html. */
export const renderHtml: Renderer = async (document, context): Promise<RenderedFile[]> => {
  const {page, fonts} = await htmlPage(document, context)
  return [{path: 'report.html', content: page, fonts}]
}
