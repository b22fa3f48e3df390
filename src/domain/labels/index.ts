import type {Lang} from '../lang.js'
import {en, type Labels} from './en.js'
import {ja} from './ja.js'
import {zhTW} from './zh-TW.js'

export type {Labels}

const BY_LANG: Record<Lang, Labels> = {en, ja, 'zh-TW': zhTW}

/** The label dictionary of a language: one per language, every label kasumi writes. */
export function labelsFor(lang: Lang): Labels {
  return BY_LANG[lang]
}
