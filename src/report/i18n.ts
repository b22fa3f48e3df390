import type {Lang} from '../domain/lang.js'
import {labelsFor, type Labels} from '../domain/labels/index.js'

/** Report headings, column names and chart titles, from the label dictionary of each language (src/domain/labels). Data (ministry and system names) is never translated. */
export type LabelKey = keyof Labels['report']

export function label(key: LabelKey, lang: Lang): string {
  return labelsFor(lang).report[key]
}

/** A translator bound to one language. */
export function translator(lang: Lang): (key: LabelKey) => string {
  const labels = labelsFor(lang).report
  return (key) => labels[key]
}
