import {rateKey, type Rates} from '../domain/currency.js'
import {Dec} from '../domain/money.js'
import {readAll} from './read-all.js'
import {parseDecimal, parseInteger} from './values.js'

/**
 * Reads a dated exchange-rate file (fiscal_year, currency, rate[, note]): units of `reporting` for one unit of each
 * currency. A CSV file, or a workbook's sheet (`sheet`, else the one whose header matches).
 */
export async function readRates(file: string, reporting: string, options: {sheet?: string} = {}): Promise<Rates> {
  const parseCurrency = (raw: string) => {
    const value = raw.trim().toUpperCase()
    return /^[A-Z]{3}$/.test(value) ? {ok: true as const, value} : {ok: false as const, reason: 'not an ISO 4217 currency code'}
  }
  const rows = await readAll(
    file,
    [
      {key: 'fiscalYear', header: 'fiscal_year', aliases: ['year', 'fy', '年度'], required: true},
      {key: 'currency', header: 'currency', aliases: ['通貨', '幣別'], required: true},
      {key: 'rate', header: 'rate', aliases: [`rate_to_${reporting.toLowerCase()}`, 'レート', '匯率'], required: true},
      {key: 'note', header: 'note', aliases: ['source', '備考']},
    ],
    (row) => {
      const year = row.get('fiscalYear', (raw) => parseInteger(raw, {min: 1900}), {required: true})
      const currency = row.get('currency', parseCurrency, {required: true})
      const rate = row.get('rate', parseDecimal, {required: true})
      if (rate !== null && !new Dec(rate).isPositive()) row.fail('rate', rate, 'a rate must be positive')
      if (row.failed || year === null || currency === null || rate === null) return undefined
      return {year, currency, rate}
    },
    {sheet: options.sheet, what: 'exchange rates'},
  )
  return new Map(rows.map(({record}) => [rateKey(record.currency, record.year), new Dec(record.rate)]))
}
