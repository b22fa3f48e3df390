import {basename, dirname, join} from 'node:path'

import {InvalidInputError, NotFoundError, type InputIssue} from '../domain/errors.js'
import {readTextFile} from '../ingest/files.js'
import {readAll} from '../ingest/read-all.js'
import type {FieldSpec, RowReader} from '../ingest/table.js'
import {parseInteger, text} from '../ingest/values.js'
import {REFERENCE_DIR} from '../platform/paths.js'
import type {Lang} from '../domain/lang.js'
import type {TableData} from '../domain/table.js'
import type {LocalizedText, ReferenceCheck} from './jp2009.js'

/**
 * Published life-event figures: how many procedures, agencies and kinds of
 * documents one life event brings a citizen to, as data/reference/<id>.csv
 * holds them beside <id>.meta.json with `"layout": "life-events"`. The
 * bundled jp-life-events is the seed paper's closing figure 日常生活必要的大量手續.
 */

export const LIFE_EVENT_LAYOUT = 'life-events'
export const LIFE_EVENT_REFERENCE_ID = 'jp-life-events'

export interface LifeEventFigure {
  lifeEvent: string
  nameZh: string
  nameJa: string | null
  nameEn: string | null
  procedures: number
  agencies: number
  documents: number
  /** The figure's words for this life event. */
  quote: string
  line: number
}

export interface LifeEventReferenceMeta {
  id: string
  layout: typeof LIFE_EVENT_LAYOUT
  data: string
  label?: string
  title: LocalizedText
  source: {
    document: string
    documentEn?: string
    author: string
    affiliation?: string
    location: string
    /** The figure's exact words. */
    wording: string
    /** What the figure cites (or that it cites nothing of its own). */
    sourceLine: string
  }
  language?: string
  qualifier?: string
  columns?: Record<string, string>
}

export interface LifeEventReference {
  meta: LifeEventReferenceMeta
  rows: LifeEventFigure[]
  checks: ReferenceCheck[]
  files: {meta: string; data: string}
}

const FIELDS: readonly FieldSpec[] = [
  {key: 'lifeEvent', header: 'life_event', aliases: ['life event', 'ライフイベント'], required: true},
  {key: 'nameZh', header: 'name_zh_tw', aliases: ['name_zh'], required: true},
  {key: 'nameJa', header: 'name_ja', aliases: []},
  {key: 'nameEn', header: 'name_en', aliases: []},
  {key: 'procedures', header: 'procedures', aliases: ['手續'], required: true},
  {key: 'agencies', header: 'agencies', aliases: ['機關'], required: true},
  {key: 'documents', header: 'documents', aliases: ['文件'], required: true},
  {key: 'quote', header: 'quote', aliases: ['wording'], required: true},
]

const anyText = text(500)
const count = (raw: string) => parseInteger(raw, {min: 0})

function build(row: RowReader): LifeEventFigure | undefined {
  const lifeEvent = row.get('lifeEvent', text(64), {required: true})
  const nameZh = row.get('nameZh', anyText, {required: true})
  const nameJa = row.get('nameJa', anyText)
  const nameEn = row.get('nameEn', anyText)
  const procedures = row.get('procedures', count, {required: true})
  const agencies = row.get('agencies', count, {required: true})
  const documents = row.get('documents', count, {required: true})
  const quote = row.get('quote', anyText, {required: true})
  if (row.failed || lifeEvent === null || nameZh === null || procedures === null || agencies === null || documents === null || quote === null)
    return undefined
  return {lifeEvent, nameZh, nameJa, nameEn, procedures, agencies, documents, quote, line: row.line}
}

function readMeta(file: string, raw: string): LifeEventReferenceMeta {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (error) {
    throw new InvalidInputError(`${file}: not valid JSON`, [{file, message: (error as Error).message}])
  }
  const issues: InputIssue[] = []
  const at = (path: string): unknown =>
    path
      .split('.')
      .reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value)
  for (const path of [
    'id',
    'data',
    'title.zh-TW',
    'title.ja',
    'title.en',
    'source.document',
    'source.author',
    'source.location',
    'source.wording',
    'source.sourceLine',
  ]) {
    const found = at(path)
    if (typeof found !== 'string' || found.trim() === '')
      issues.push({file, column: path, value: found === undefined ? undefined : JSON.stringify(found), message: 'must be a non-empty string'})
  }
  if (at('layout') !== LIFE_EVENT_LAYOUT) issues.push({file, column: 'layout', message: `must be "${LIFE_EVENT_LAYOUT}"`})
  const id = at('id')
  if (typeof id === 'string' && basename(file) !== `${id}.meta.json`)
    issues.push({file, column: 'id', value: id, message: `must match the file name (${basename(file)})`})
  if (issues.length > 0) throw new InvalidInputError(`${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'} found`, issues)
  return value as LifeEventReferenceMeta
}

/** The numbers a quote states: 最多需N個手續，造訪N個機關 … 所需文件共N種. */
export function figuresInQuote(quote: string): {procedures: number; agencies: number; documents: number} | undefined {
  const procedures = /(\d+)\s*個手續/.exec(quote)
  const agencies = /(\d+)\s*個機關/.exec(quote)
  const documents = /(\d+)\s*種/.exec(quote)
  if (!procedures || !agencies || !documents) return undefined
  return {procedures: Number(procedures[1]), agencies: Number(agencies[1]), documents: Number(documents[1])}
}

export function lifeEventChecks(meta: LifeEventReferenceMeta, rows: readonly LifeEventFigure[]): ReferenceCheck[] {
  const checks: ReferenceCheck[] = []
  for (const row of rows) {
    const stated = figuresInQuote(row.quote)
    const expected = `${row.procedures}/${row.agencies}/${row.documents}`
    const actual = stated ? `${stated.procedures}/${stated.agencies}/${stated.documents}` : 'no readable figures'
    checks.push({
      id: `${row.lifeEvent}-quote`,
      description: `${row.nameZh}: the figure's words state the row's procedures/agencies/documents (${expected})`,
      expected,
      actual,
      ok: expected === actual,
    })
    const inWording = meta.source.wording.replace(/\s+/g, ' ').includes(row.quote.replace(/\s+/g, ' '))
    checks.push({
      id: `${row.lifeEvent}-wording`,
      description: `${row.nameZh}: the row's words are the figure's, as the metadata quotes it`,
      expected: row.quote,
      actual: inWording ? row.quote : 'not in source.wording',
      ok: inWording,
    })
  }
  return checks
}

/** Loads a life-event reference from its metadata file. */
export async function loadLifeEventReferenceFrom(metaFile: string): Promise<LifeEventReference> {
  let raw: string
  try {
    raw = await readTextFile(metaFile)
  } catch {
    throw new NotFoundError(`No reference table metadata at ${metaFile}.`, {
      suggestion: 'A reference table is a CSV file with a <id>.meta.json file beside it.',
    })
  }
  const meta = readMeta(metaFile, raw)
  const dataFile = join(dirname(metaFile), meta.data)
  const rows = (await readAll(dataFile, FIELDS, build, {encoding: 'utf-8'})).map(({record}) => record)
  if (rows.length === 0) throw new InvalidInputError(`${dataFile}: no rows`, [{file: dataFile, message: 'the table has a header but no rows'}])
  return {meta, rows, checks: lifeEventChecks(meta, rows), files: {meta: metaFile, data: dataFile}}
}

export function loadLifeEventReference(id: string = LIFE_EVENT_REFERENCE_ID, folder: string = REFERENCE_DIR): Promise<LifeEventReference> {
  return loadLifeEventReferenceFrom(join(folder, `${id}.meta.json`))
}

/** The --json rows. */
export function lifeEventFiguresJson(reference: LifeEventReference) {
  return reference.rows.map(({line: _line, ...row}) => row)
}

/* ---------- tables ---------- */

const HEADS: Record<Lang, string[]> = {
  'zh-TW': ['生活事件', '名稱', '手續（最多）', '機關', '文件種類', '原文'],
  ja: ['ライフイベント', '名称', '手続（最大）', '機関', '書類の種類', '原文'],
  en: ['life event', 'name', 'procedures (at most)', 'agencies', 'kinds of documents', 'the figure’s words'],
}

function figureName(row: LifeEventFigure, lang: Lang): string {
  return lang === 'ja' ? (row.nameJa ?? row.nameZh) : lang === 'en' ? (row.nameEn ?? row.nameZh) : row.nameZh
}

/** The figure as a table: one row per life event. */
export function lifeEventFigureTable(reference: LifeEventReference, lang: Lang): TableData {
  return {
    title: reference.meta.title[lang],
    head: HEADS[lang],
    rows: reference.rows.map((row) => [
      row.lifeEvent,
      figureName(row, lang),
      String(row.procedures),
      String(row.agencies),
      String(row.documents),
      row.quote,
    ]),
    align: ['left', 'left', 'right', 'right', 'right', 'left'],
  }
}

const NOTE_LABELS: Record<Lang, {source: string; location: string; cites: string; qualifier: string}> = {
  'zh-TW': {source: '資料來源', location: '位置', cites: '圖所引出處', qualifier: '說明'},
  ja: {source: '出典', location: '箇所', cites: '図の出典表示', qualifier: '注'},
  en: {source: 'Source', location: 'Where', cites: 'What the figure cites', qualifier: 'Note'},
}

/** The source, the figure's place in it and what it cites, as note lines. */
export function lifeEventReferenceNotes(reference: LifeEventReference, lang: Lang): string[] {
  const {source} = reference.meta
  const labels = NOTE_LABELS[lang]
  const document = lang === 'en' && source.documentEn ? source.documentEn : source.document
  const lines = [
    `${labels.source}: ${source.author}${source.affiliation ? ` (${source.affiliation})` : ''}, 「${document}」`,
    `${labels.location}: ${source.location}`,
    `${labels.cites}: ${source.sourceLine}`,
  ]
  if (reference.meta.qualifier) lines.push(`${labels.qualifier}: ${reference.meta.qualifier}`)
  return lines
}
