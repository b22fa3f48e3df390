import {groupDigits} from '../../domain/money.js'
import {visibleText} from '../../domain/text-safety.js'
import {label} from '../i18n.js'
import type {Cell, ReportDocument, ReportTable, Section} from '../model.js'
import {columnHeading, EMPTY_CELL, fillTemplate, formatCell, isNumericKind, readTemplate, ui} from './html.js'
import {chartPath} from './png.js'
import type {RenderContext, RenderedFile, Renderer} from './types.js'

/**
 * `report.md`: the report's content as Markdown for wikis and review —
 * tables as pipe tables (numbers right-aligned, totals in bold after the
 * rows), key figures as a list, charts as image links to `charts/<id>.png`,
 * the files the png format writes.
 */

const MARKUP = /[\\`*_[\]<>#|~&]/g

/** Markers that start a block (list, heading underline) when they open a line. */
const BLOCK_START = /^(\s*)(?:([-+=])|(\d+)([.)]))/

/**
 * Text in Markdown: characters that would start markup, raw HTML or an entity
 * are backslash-escaped, as is a list or heading marker at the start; line
 * breaks (a lone carriage return too) become spaces; control characters and
 * bidirectional controls are shown as visible escapes (`\u202e`), so that
 * names from the register cannot reorder or hide text in the rendered page.
 */
export function escapeMarkdown(text: string): string {
  return visibleText(text.trimStart().replace(MARKUP, '\\$&'), ' ').replace(
    BLOCK_START,
    (_, space: string, marker?: string, digits?: string, dot?: string) => (marker ? `${space}\\${marker}` : `${space}${digits}\\${dot}`),
  )
}

/** A table cell: escaped as text (pipes too), every line break (CRLF, CR, LF) kept as <br>, controls shown escaped. */
export function markdownCell(text: string): string {
  return visibleText(text.replace(MARKUP, '\\$&'), '<br>')
}

function tableMarkdown(table: ReportTable, document: ReportDocument, sectionTitle: string): string {
  const lines: string[] = []
  if (table.title && table.title !== sectionTitle) lines.push(`**${escapeMarkdown(table.title)}**`, '')
  const cells = (values: Record<string, Cell>, bold: boolean) =>
    table.columns.map((column) => {
      const text = markdownCell(formatCell(values[column.key] ?? null, column.kind))
      return bold && text !== '' && text !== EMPTY_CELL ? `**${text}**` : text
    })
  const row = (values: string[]) => `| ${values.map((value) => (value === '' ? ' ' : value)).join(' | ')} |`
  lines.push(row(table.columns.map((column) => markdownCell(columnHeading(column, document)))))
  lines.push(`|${table.columns.map((column) => (isNumericKind(column.kind) ? ' ---: ' : ' --- ')).join('|')}|`)
  for (const values of table.rows) lines.push(row(cells(values, false)))
  for (const values of table.totals ?? []) lines.push(row(cells(values, true)))
  if (table.note) lines.push('', `_${escapeMarkdown(table.note)}_`)
  return lines.join('\n')
}

function sectionMarkdown(section: Section, document: ReportDocument): string {
  const parts: string[] = [`## ${escapeMarkdown(section.title)}`]
  for (const paragraph of section.paragraphs ?? []) parts.push(escapeMarkdown(paragraph))
  if (section.figures?.length)
    parts.push(section.figures.map((figure) => `- **${escapeMarkdown(figure.label)}**: ${escapeMarkdown(figure.value)}`).join('\n'))
  for (const table of section.tables ?? []) parts.push(tableMarkdown(table, document, section.title))
  for (const chart of section.charts ?? []) {
    parts.push(`![${escapeMarkdown(chart.title)}](${chartPath(chart.id)})`)
  }
  return parts.join('\n\n')
}

function provenanceMarkdown(document: ReportDocument): string | undefined {
  const provenance = document.provenance
  if (!provenance) return undefined
  const lang = document.lang
  const parts = [
    `## ${escapeMarkdown(label('provenance', lang))}`,
    [
      `- **${escapeMarkdown(ui('version', lang))}**: ${escapeMarkdown(provenance.kasumi)}`,
      `- **${escapeMarkdown(ui('created', lang))}**: ${escapeMarkdown(provenance.createdAt)}`,
      `- **${escapeMarkdown(ui('command', lang))}**: ${escapeMarkdown(provenance.command)}`,
    ].join('\n'),
  ]
  if (provenance.inputs.length) {
    const lines = [
      `| ${[ui('role', lang), ui('file', lang), 'SHA-256', ui('rows', lang)].map(markdownCell).join(' | ')} |`,
      '| --- | --- | --- | ---: |',
      ...provenance.inputs.map(
        (input) =>
          `| ${[input.role, input.file, input.sha256, input.rows === undefined ? EMPTY_CELL : groupDigits(String(input.rows))].map(markdownCell).join(' | ')} |`,
      ),
    ]
    parts.push(`### ${escapeMarkdown(ui('inputs', lang))}`, lines.join('\n'))
  }
  return parts.join('\n\n')
}

function tocMarkdown(document: ReportDocument): string {
  const titles = document.sections.map((section) => section.title)
  if (document.provenance) titles.push(label('provenance', document.lang))
  return titles.map((title, index) => `${index + 1}. ${escapeMarkdown(title)}`).join('\n')
}

/** The whole document as Markdown. Placeholders of report.md: {{title}} {{subtitle}} {{toc}} {{body}} {{lang}}. */
export async function markdownText(document: ReportDocument, context: Pick<RenderContext, 'templateDir'>): Promise<string> {
  const template = await readTemplate('report.md', context.templateDir)
  const body = [...document.sections.map((section) => sectionMarkdown(section, document)), provenanceMarkdown(document)].filter(Boolean).join('\n\n')
  const text = fillTemplate(template, {
    lang: document.lang,
    title: escapeMarkdown(document.title),
    subtitle: document.subtitle ? escapeMarkdown(document.subtitle) : '',
    toc: tocMarkdown(document),
    body,
  })
  return `${text.replace(/\n{3,}/g, '\n\n').trimEnd()}\n`
}

/** The md format: report.md (charts are linked, and written by the png format). */
export const renderMarkdown: Renderer = async (document, context): Promise<RenderedFile[]> => [
  {path: 'report.md', content: await markdownText(document, context)},
]
