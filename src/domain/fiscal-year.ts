/**
 * Fiscal years in the calendars used by Japanese and Taiwanese government tables.
 * kasumi stores Gregorian fiscal years (the year in which the fiscal year starts:
 * Japan's 2009年度 runs April 2009 – March 2010).
 */
export type Calendar = 'gregorian' | 'japanese' | 'roc'
export const CALENDARS: readonly Calendar[] = ['gregorian', 'japanese', 'roc']

/** Japanese eras: the Gregorian year of each era's first year (元年). */
export const JAPANESE_ERAS: ReadonlyArray<{names: string[]; start: number; end?: number}> = [
  {names: ['明治', 'M'], start: 1868, end: 1912},
  {names: ['大正', 'T'], start: 1912, end: 1926},
  {names: ['昭和', 'S'], start: 1926, end: 1989},
  {names: ['平成', 'H'], start: 1989, end: 2019},
  {names: ['令和', 'R'], start: 2019},
]

/** 民國 1 = 1912. */
export const ROC_OFFSET = 1911

/**
 * The fiscal years kasumi accepts from input files: from 1900 to 2100, further
 * ahead than any plan or budget line looks. A year outside is a typing or era
 * mistake (令和99年度 is 2117), not data.
 */
export const MIN_FISCAL_YEAR = 1900
export const MAX_FISCAL_YEAR = 2100

export type FiscalYearResult = {ok: true; year: number} | {ok: false; reason: string; hint?: string}

/**
 * Parses `2009`, `2009年度`, `FY2009`, `平成21年度`, `H21`, `令和元年度`, `民國98年`,
 * and (only with the ROC calendar, since it is ambiguous) `98年度` or `98`.
 * The input is expected to be NFKC-normalised already (full-width digits → ASCII).
 */
export function parseFiscalYear(raw: string, calendar: Calendar = 'gregorian'): FiscalYearResult {
  const text = raw.replace(/\s+/g, '')
  let match = /^(?:FY|fy|Fy)?(\d{4})(?:年度?|FY)?$/.exec(text)
  if (match) return checkRange(Number(match[1]))

  match = /^(明治|大正|昭和|平成|令和|[MTSHR])\.?(\d{1,2}|元)(?:年度?)?$/.exec(text)
  if (match) {
    const era = JAPANESE_ERAS.find((candidate) => candidate.names.includes(match![1]))!
    const index = match[2] === '元' ? 1 : Number(match[2])
    if (index < 1) return {ok: false, reason: `${match[1]} has no year 0`}
    const year = era.start + index - 1
    if (era.end !== undefined && year > era.end) {
      return {ok: false, reason: `${match[1]} ended in ${era.end}; year ${index} of that era does not exist`}
    }
    return checkRange(year)
  }

  match = /^(?:民國|民国|ROC)(\d{1,3}|元)(?:年度?)?$/i.exec(text)
  if (match) return rocYear(match[1] === '元' ? 1 : Number(match[1]))

  match = /^(\d{1,3})(?:年度?)?$/.exec(text)
  if (match) {
    if (calendar === 'roc') return rocYear(Number(match[1]))
    if (calendar === 'japanese') {
      return {ok: false, reason: 'a bare era year does not say which era', hint: 'write the era, e.g. 平成21年度 or 令和3年度'}
    }
    return {
      ok: false,
      reason: 'a two- or three-digit year is ambiguous',
      hint: 'write a four-digit year, or pass --calendar roc if the file counts years of the Republic of China (民國98年 = 2009)',
    }
  }

  return {ok: false, reason: 'not a fiscal year', hint: 'use 2009, 2009年度, FY2009, 平成21年度, 令和3年度 or 民國98年'}
}

function rocYear(index: number): FiscalYearResult {
  if (index < 1) return {ok: false, reason: '民國 has no year 0', hint: '民國元年 is 1912'}
  return checkRange(ROC_OFFSET + index)
}

function checkRange(year: number): FiscalYearResult {
  if (year < MIN_FISCAL_YEAR || year > MAX_FISCAL_YEAR) {
    return {
      ok: false,
      reason: `fiscal year ${year} is outside the years kasumi accepts, ${MIN_FISCAL_YEAR}–${MAX_FISCAL_YEAR}`,
      hint: 'check the year and, for 平成・令和・民國 years, the era: e.g. 令和3年度 is 2021, 民國98年 is 2009',
    }
  }
  return {ok: true, year}
}
