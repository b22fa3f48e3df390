import {lstatSync, realpathSync, statSync} from 'node:fs'
import {rename, rm} from 'node:fs/promises'
import {basename, dirname, extname, join, resolve} from 'node:path'

import type ExcelJS from 'exceljs'

import {ConflictError, UsageError, type InputIssue} from '../domain/errors.js'
import type {Lang} from '../domain/lang.js'
import {labelsFor} from '../domain/labels/index.js'
import {openForAnnotation, type IssuePlace} from '../ingest/annotation-source.js'
import type {EncodingOption} from '../ingest/csv.js'
import {outputError} from './write.js'

/** Fill colours of annotated cells, by severity (Excel's light red and light yellow). */
export const ANNOTATION_FILLS = {error: 'FFFFC7CE', warning: 'FFFFEB9C'} as const

export interface AnnotateOptions {
  /** The file that was checked; it is only read. */
  file: string
  encoding: EncodingOption
  /** The problems (errors) and warnings the check found. */
  issues: readonly InputIssue[]
  warnings: readonly InputIssue[]
  /** Problems found beyond those in `issues` (over --max-issues). */
  unlisted: number
  out: string
  force: boolean
  lang: Lang
}

export interface AnnotateResult {
  output: string
  /** Problems listed (errors and warnings). */
  problems: number
  /** Cells that carry a comment. */
  cells: number
  /** The name of the sheet that lists the problems (the first sheet). */
  sheet: string
}

/**
 * Refuses an output path for an annotated copy before anything is read: not
 * .xlsx (usage, exit 2); the file that is checked; something that exists,
 * without --force; and, even with --force, a folder, link or device (exit 5).
 */
export function assertAnnotationOutput(out: string, file: string, force: boolean): void {
  if (extname(out).toLowerCase() !== '.xlsx')
    throw new UsageError(`--annotate ${out}: the annotated copy is an Excel workbook`, {suggestion: 'name a file ending in .xlsx'})
  let stats
  try {
    stats = lstatSync(out)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw outputError(out, error)
  }
  if (sameFile(out, file))
    throw new ConflictError(`${out} is the file being checked; it was left as it is`, {
      suggestion: 'kasumi never changes the file it checks: name another --annotate file',
    })
  if (!stats.isFile())
    throw new ConflictError(`${out} exists and is not a file (a folder, link or device); it was left as it is`, {
      suggestion: '--force replaces only a file: choose another --annotate',
    })
  if (!force) throw new ConflictError(`${out} already exists`, {suggestion: 'pass --force to replace it, or choose another --annotate'})
}

function sameFile(a: string, b: string): boolean {
  try {
    if (realpathSync(a) === realpathSync(b)) return true
    const [x, y] = [statSync(a), statSync(b)]
    return x.dev === y.dev && x.ino === y.ino
  } catch {
    return false
  }
}

interface Placed {
  issue: InputIssue
  severity: 'error' | 'warning'
  place?: IssuePlace
}

/**
 * Writes a copy of a checked file for its sender: each problem cell filled by
 * severity and given a comment (reason and hint); a first sheet that lists
 * every problem with a link to its cell; labels in `lang`. The copy keeps the
 * original's values, formats, column widths and merged cells; a CSV file
 * becomes a workbook of one sheet. Problems without a cell are on the list
 * only (a whole row's on the row's first cell). The checked file is only read;
 * the copy is written to a temporary file beside `out` and renamed into place.
 */
export async function writeAnnotatedCopy(options: AnnotateOptions): Promise<AnnotateResult> {
  assertAnnotationOutput(options.out, options.file, options.force)
  const labels = labelsFor(options.lang).annotate
  const source = await openForAnnotation(options.file, {encoding: options.encoding})
  const {workbook} = source
  const placed: Placed[] = [
    ...options.issues.map((issue) => ({issue, severity: 'error' as const})),
    ...options.warnings.map((issue) => ({issue, severity: 'warning' as const})),
  ].map((entry) => {
    const place = source.locate(entry.issue)
    return {...entry, place: place && workbook.getWorksheet(place.sheet) ? place : undefined}
  })

  // One comment per cell, holding every problem of that cell; the fill of its worst.
  const byCell = new Map<string, Placed[]>()
  for (const entry of placed) {
    if (!entry.place) continue
    const key = `${entry.place.sheet}\u0000${entry.place.row}\u0000${entry.place.column ?? 1}`
    byCell.set(key, [...(byCell.get(key) ?? []), entry])
  }
  for (const entries of byCell.values()) {
    const {sheet, row, column} = entries[0].place!
    const cell = workbook.getWorksheet(sheet)!.getCell(row, column ?? 1)
    const worst = entries.some((entry) => entry.severity === 'error') ? 'error' : 'warning'
    // A new style object: cells that shared the original's style keep it.
    cell.style = {
      ...cell.style,
      fill: {type: 'pattern', pattern: 'solid', fgColor: {argb: ANNOTATION_FILLS[worst]}, bgColor: {argb: ANNOTATION_FILLS[worst]}},
    }
    const text = entries.map((entry) => commentText(entry, labels)).join('\n\n')
    const earlier = noteText(cell.note)
    cell.note = {texts: [{text: earlier ? `${earlier}\n\n${text}` : text}], margins: {insetmode: 'auto'}} as ExcelJS.Comment
  }

  const sheetName = uniqueSheetName(labels.sheet, workbook)
  const list = workbook.addWorksheet(sheetName)
  fillList(list, placed, options, labels)
  // The list goes first and is the sheet the workbook opens on.
  // exceljs orders sheets by orderNo and writes tabSelected, both left out of its types.
  const ordered = (sheet: ExcelJS.Worksheet) => sheet as ExcelJS.Worksheet & {orderNo: number}
  ordered(list).orderNo = Math.min(...workbook.worksheets.map((sheet) => ordered(sheet).orderNo)) - 1
  for (const sheet of workbook.worksheets)
    if (sheet !== list)
      sheet.views = ((sheet.views ?? []).length > 0 ? sheet.views : [{}]).map(
        (view) => ({...view, tabSelected: false}) as unknown as ExcelJS.WorksheetView,
      )
  workbook.views = [{x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: 0, visibility: 'visible'}]

  const target = resolve(options.out)
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`)
  try {
    await workbook.xlsx.writeFile(temporary)
    // Checked again: something may have appeared at the path while the copy was made.
    assertAnnotationOutput(options.out, options.file, options.force)
    await rename(temporary, target)
  } catch (error) {
    await rm(temporary, {force: true})
    throw outputError(options.out, error)
  }
  return {output: options.out, problems: placed.length, cells: byCell.size, sheet: sheetName}
}

type AnnotateLabels = ReturnType<typeof labelsFor>['annotate']

function commentText(entry: Placed, labels: AnnotateLabels): string {
  const {issue} = entry
  const head = `${entry.severity === 'error' ? labels.error : labels.warning}: ${issue.message}`
  const value = issue.value === undefined ? '' : `\n${labels.value}: ${issue.value}`
  const hint = issue.hint === undefined ? '' : `\n${labels.hint}: ${issue.hint}`
  return `${head}${value}${hint}`
}

function noteText(note: ExcelJS.Cell['note']): string {
  if (note === undefined || note === null) return ''
  if (typeof note === 'string') return note
  return (note.texts ?? []).map((part) => part.text).join('')
}

/** A sheet name no other sheet has (Excel compares names without case). */
function uniqueSheetName(wanted: string, workbook: ExcelJS.Workbook): string {
  const taken = new Set(workbook.worksheets.map((sheet) => sheet.name.toLowerCase()))
  let name = wanted
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${wanted} (${n})`
  return name
}

/** A reference as Excel writes it: the sheet quoted unless it is letters, digits and _. */
export function referenceOf(place: IssuePlace): string {
  const sheet = /^[\p{L}\p{N}_]+$/u.test(place.sheet) ? place.sheet : `'${place.sheet.replace(/'/g, "''")}'`
  return `${sheet}!${columnLetters(place.column ?? 1)}${place.row}`
}

function columnLetters(column: number): string {
  let letters = ''
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters
  return letters
}

const HEAD_ROW = 4

function fillList(list: ExcelJS.Worksheet, placed: readonly Placed[], options: AnnotateOptions, labels: AnnotateLabels): void {
  const errors = placed.filter((entry) => entry.severity === 'error').length
  list.getCell('A1').value = labels.title(basename(options.file))
  list.getCell('A1').font = {bold: true, size: 14}
  list.getCell('A2').value = placed.length === 0 ? labels.none : labels.counts(errors + options.unlisted, placed.length - errors)
  list.getRow(HEAD_ROW).values = [labels.number, labels.severity, labels.where, labels.column, labels.value, labels.problem, labels.hint]
  list.getRow(HEAD_ROW).font = {bold: true}
  const widths = [6, 10, 24, 24, 24, 60, 60]
  widths.forEach((width, index) => (list.getColumn(index + 1).width = width))
  placed.forEach((entry, index) => {
    const row = list.getRow(HEAD_ROW + 1 + index)
    const {issue} = entry
    row.getCell(1).value = index + 1
    row.getCell(2).value = entry.severity === 'error' ? labels.error : labels.warning
    row.getCell(2).fill = {type: 'pattern', pattern: 'solid', fgColor: {argb: ANNOTATION_FILLS[entry.severity]}}
    if (entry.place) {
      const reference = referenceOf(entry.place)
      // A HYPERLINK formula: the link form Excel and LibreOffice both follow within a workbook.
      row.getCell(3).value = {formula: `HYPERLINK("#${reference.replace(/"/g, '""')}","${reference.replace(/"/g, '""')}")`, result: reference}
      row.getCell(3).font = {color: {argb: 'FF0563C1'}, underline: true}
    } else {
      row.getCell(3).value = issue.cell ?? (issue.line === undefined ? labels.wholeFile : labels.line(issue.line))
    }
    row.getCell(4).value = issue.column ?? ''
    row.getCell(5).value = issue.value ?? ''
    row.getCell(6).value = issue.message
    row.getCell(7).value = issue.hint ?? ''
    row.alignment = {vertical: 'top', wrapText: true}
  })
  if (options.unlisted > 0) list.getCell(`A${HEAD_ROW + placed.length + 2}`).value = labels.more(options.unlisted)
  list.views = [{state: 'frozen', ySplit: HEAD_ROW, tabSelected: true} as unknown as ExcelJS.WorksheetView]
}
