import {parseFiscalYear, type Calendar} from '../domain/fiscal-year.js'
import {Dec, canonical} from '../domain/money.js'

/**
 * Value parsers for cells of real government spreadsheets. Each returns either
 * a value, `null` for "no value", or a reason that becomes an input issue.
 */
export type ParseOutcome<T> = {ok: true; value: T | null} | {ok: false; reason: string; hint?: string}

/** Width-fold (full-width digits and letters → ASCII) and trim. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

export function normalizeCell(raw: string): string {
  // NFKC folds full-width forms; it leaves △ ▲ and the dashes alone. Plain ASCII needs no folding.
  return PRINTABLE_ASCII.test(raw) ? raw.trim() : raw.normalize('NFKC').trim()
}

/** Cells that mean "no value" in Japanese and Taiwanese tables. */
const NO_VALUE = new Set(['', '-', '－', '—', '―', '‐', '–', 'ー', 'N/A', 'n/a', 'NA'])

export function isNoValue(raw: string): boolean {
  if (raw.length > 3 && raw.trim().length > 3) return false
  return NO_VALUE.has(raw.trim()) || NO_VALUE.has(normalizeCell(raw))
}

const NUMBER_BODY = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/

/**
 * Parses an amount or count: `1,189,160`, `１２３`, `△50,000`, `▲50,000`, `(50,000)`,
 * `-50000`, `−50000`, `¥1,000`, `1,000円`. Returns a canonical decimal string.
 */
const CANONICAL_INTEGER = /^(?:0|-?[1-9]\d{0,17})$/

export function parseDecimal(raw: string): ParseOutcome<string> {
  // Plain integers, the bulk of any export, are already canonical.
  if (CANONICAL_INTEGER.test(raw)) return {ok: true, value: raw}
  if (isNoValue(raw)) return {ok: true, value: null}
  let text = raw.trim()
  let negative = false
  if (/^[△▲]/.test(text)) {
    negative = true
    text = text.slice(1)
  }
  text = normalizeCell(text)
  if (/^\(.*\)$/.test(text)) {
    negative = !negative
    text = text.slice(1, -1).trim()
  }
  if (/^[-−－]/.test(text)) {
    negative = !negative
    text = text.slice(1).trim()
  } else if (text.startsWith('+')) {
    text = text.slice(1).trim()
  }
  text = text
    .replace(/^[¥￥]/, '')
    .replace(/円$/, '')
    .trim()
  if (!NUMBER_BODY.test(text)) {
    if (/^\d[\d,]*(?:\.\d+)?$/.test(text)) {
      return {ok: false, reason: 'misplaced thousands separator', hint: 'group digits by three, e.g. 1,189,160'}
    }
    return {
      ok: false,
      reason: 'not a number',
      hint: 'write digits, optionally grouped (1,189,160); negatives as -50,000, △50,000 or (50,000); "-" or empty for no value',
    }
  }
  const value = new Dec(text.replace(/,/g, ''))
  return {ok: true, value: canonical(negative ? value.negated() : value)}
}

export function parseInteger(raw: string, options: {min?: number} = {}): ParseOutcome<number> {
  const parsed = parseDecimal(raw)
  if (!parsed.ok || parsed.value === null) return parsed as ParseOutcome<number>
  if (parsed.value.includes('.')) return {ok: false, reason: 'must be a whole number'}
  const value = Number(parsed.value)
  if (!Number.isSafeInteger(value)) return {ok: false, reason: 'number too large'}
  if (options.min !== undefined && value < options.min) {
    return {ok: false, reason: value < 0 ? 'must not be negative' : `must be at least ${options.min}`}
  }
  return {ok: true, value}
}

export function parseBoundedDecimal(raw: string, min: number, max: number, what: string): ParseOutcome<string> {
  const parsed = parseDecimal(raw.replace(/%$/, '').replace(/％$/, ''))
  if (!parsed.ok || parsed.value === null) return parsed
  const value = new Dec(parsed.value)
  if (value.lessThan(min) || value.greaterThan(max)) {
    return {ok: false, reason: `${what} must be between ${min} and ${max}`}
  }
  return parsed
}

/** Cells kasumi's CSV export prefixed with ' so spreadsheets do not run them as formulas. */
const NEUTRALISED = /^'+[=+\-@\t\r]/

/** Removes the apostrophe kasumi's CSV export puts before a cell a spreadsheet would run as a formula. */
export function unneutralise(value: string): string {
  return NEUTRALISED.test(value) ? value.slice(1) : value
}

/** Free text: trimmed, without kasumi's formula guard, at most `maxLength` characters, no control characters; empty is no value. */
export function text(maxLength = Number.POSITIVE_INFINITY): (raw: string) => ParseOutcome<string> {
  return (raw) => {
    const value = unneutralise(raw.trim())
    if (value === '') return {ok: true, value: null}
    if (value.length > maxLength) return {ok: false, reason: `longer than ${maxLength} characters`}
    // A C0 control character other than tab, line feed and carriage return.
    if (/[^\P{Cc}\t\n\r\u007f-\u009f]/u.test(value)) return {ok: false, reason: 'contains control characters'}
    return {ok: true, value}
  }
}

/** A fiscal year in any accepted form (2009, 平成21年度, FY2009, 民國98年 …); bare short years count by `calendar`. */
export function fiscalYear(calendar: Calendar): (raw: string) => ParseOutcome<number> {
  return (raw) => {
    if (isNoValue(raw)) return {ok: true, value: null}
    const result = parseFiscalYear(normalizeCell(raw), calendar)
    return result.ok ? {ok: true, value: result.year} : {ok: false, reason: result.reason, hint: result.hint}
  }
}

const CURRENCY_NAMES: Record<string, string> = {円: 'JPY', 日圓: 'JPY', 日幣: 'JPY', 新台幣: 'TWD', 台幣: 'TWD', NT$: 'TWD', US$: 'USD', $: 'USD'}

/** An ISO 4217 code, or a currency's common name (円, 新台幣, US$ …). */
export function currencyCode(raw: string): ParseOutcome<string> {
  if (/^[A-Z]{3}$/.test(raw)) return {ok: true, value: raw}
  const value = normalizeCell(raw).toUpperCase()
  if (value === '') return {ok: true, value: null}
  const code = CURRENCY_NAMES[value] ?? value
  if (!/^[A-Z]{3}$/.test(code)) return {ok: false, reason: 'not an ISO 4217 currency code', hint: 'e.g. JPY, TWD, USD'}
  return {ok: true, value: code}
}
