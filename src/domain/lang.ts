/** The languages kasumi writes headings, labels and notes in; names in the data are never translated. */
export const LANGS = ['en', 'ja', 'zh-TW'] as const
export type Lang = (typeof LANGS)[number]
