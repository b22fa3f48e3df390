import {join} from 'node:path'

import {areaKey} from '../domain/text-match.js'
import {REFERENCE_DIR} from '../platform/paths.js'
import type {EncodingOption} from '../ingest/csv.js'
import {readAll} from '../ingest/read-all.js'
import type {FieldSpec} from '../ingest/table.js'
import {text} from '../ingest/values.js'

/** The bundled map from the 2009 table's business areas to kasumi's (reference_area, area, note). */
export const DEFAULT_AREA_MAP = join(REFERENCE_DIR, 'area-map.csv')

export interface AreaMapEntry {
  referenceArea: string
  area: string
  note: string | null
  line: number
}

export const AREA_MAP_FIELDS: readonly FieldSpec[] = [
  {
    key: 'referenceArea',
    header: 'reference_area',
    aliases: ['reference area', '参照業務', '參考業務', '參考表業務', '業務‧作業系統名稱'],
    required: true,
  },
  {key: 'area', header: 'area', aliases: ['business_area', 'business area', 'kasumi area', '業務分野', '業務領域', '業務'], required: true},
  {key: 'note', header: 'note', aliases: ['notes', '備考', '備註']},
]

const anyText = text()

/** Reads an area map with the ingestion rules of user files; a pair given twice is an error. */
export async function loadAreaMap(file: string = DEFAULT_AREA_MAP, options: {encoding?: EncodingOption} = {}): Promise<AreaMapEntry[]> {
  const seen = new Map<string, number>()
  const records = await readAll(
    file,
    AREA_MAP_FIELDS,
    (row) => {
      const referenceArea = row.get('referenceArea', anyText, {required: true})
      const area = row.get('area', anyText, {required: true})
      const note = row.get('note', anyText)
      if (row.failed || referenceArea === null || area === null) return undefined
      const pair = `${areaKey(referenceArea)}\u0000${area}`
      const previous = seen.get(pair)
      if (previous !== undefined) {
        row.fail('area', area, `the same pair is on line ${previous} already`, 'keep one of the two lines')
        return undefined
      }
      seen.set(pair, row.line)
      return {referenceArea, area, note, line: row.line}
    },
    {encoding: options.encoding ?? 'auto'},
  )
  return records.map(({record}) => record)
}
