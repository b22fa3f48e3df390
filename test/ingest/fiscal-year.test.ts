import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, parseFiscalYear, type Calendar} from '../../src/domain/fiscal-year.js'
import {normalizeCell} from '../../src/ingest/values.js'

/** As import reads a cell: width-folded first. */
const year = (raw: string, calendar: Calendar = 'gregorian') => parseFiscalYear(normalizeCell(raw), calendar)

describe('fiscal years', () => {
  it.each([
    ['2009', 2009],
    ['2009年度', 2009],
    ['2009年', 2009],
    ['FY2009', 2009],
    ['fy 2009', 2009],
    ['２００９年度', 2009],
    ['平成21年度', 2009],
    ['平成２１年度', 2009],
    ['H21', 2009],
    ['H.21', 2009],
    ['平成元年度', 1989],
    ['平成31年度', 2019],
    ['令和3年度', 2021],
    ['R3', 2021],
    ['令和元年度', 2019],
    ['昭和63年度', 1988],
    ['民國98年', 2009],
    ['民國98年度', 2009],
    ['民国98年', 2009],
    ['民國元年', 1912],
  ])('reads %j as %i', (raw, expected) => {
    expect(year(raw)).toEqual({ok: true, year: expected})
  })

  it('reads 98年度 as ROC year 98 (2009) only with --calendar roc', () => {
    expect(year('98年度', 'roc')).toEqual({ok: true, year: 2009})
    expect(year('98', 'roc')).toEqual({ok: true, year: 2009})
    const gregorian = year('98年度')
    expect(gregorian).toMatchObject({ok: false, reason: 'a two- or three-digit year is ambiguous'})
    expect(gregorian.ok ? '' : gregorian.hint).toContain('--calendar roc')
    const japanese = year('21年度', 'japanese')
    expect(japanese).toMatchObject({ok: false})
    expect(japanese.ok ? '' : japanese.hint).toContain('平成21年度')
  })

  it('rejects era years after the era ended: 平成 ended in 2019', () => {
    const result = year('平成32年度')
    expect(result).toMatchObject({ok: false})
    expect(result.ok ? '' : result.reason).toContain('2019')
    expect(year('H32')).toMatchObject({ok: false})
    expect(year('昭和65年')).toMatchObject({ok: false})
  })

  it('rejects year 0 of an era or of the Republic', () => {
    expect(year('平成0年度')).toMatchObject({ok: false})
    expect(year('民國0年')).toMatchObject({ok: false})
    expect(year('0', 'roc')).toMatchObject({ok: false})
  })

  it.each(['1899', '2101', '0000', '明治10年', '令和83年度', '令和99年度', '民國190年', '民國290年'])(
    'rejects %j as outside the years kasumi accepts',
    (raw) => {
      const result = year(raw)
      expect(result).toMatchObject({ok: false})
      expect(result.ok ? '' : result.reason).toContain(`${MIN_FISCAL_YEAR}–${MAX_FISCAL_YEAR}`)
    },
  )

  it.each(['abc', 'FY09', '2009-10', '平成'])('rejects %j with the accepted forms as a hint', (raw) => {
    const result = year(raw)
    expect(result).toMatchObject({ok: false, reason: 'not a fiscal year'})
    expect(result.ok ? '' : result.hint).toContain('平成21年度')
  })
})

describe('laws of fiscal years', () => {
  const inRange = fc.integer({min: MIN_FISCAL_YEAR, max: MAX_FISCAL_YEAR})

  it('reads every Gregorian notation of a year as that year', () => {
    fc.assert(
      fc.property(inRange, (y) => {
        for (const written of [`${y}`, `${y}年度`, `FY${y}`]) expect(year(written)).toEqual({ok: true, year: y})
      }),
    )
  })

  it('reads 平成 and 令和 years as the Gregorian year they name', () => {
    fc.assert(
      fc.property(fc.integer({min: 1989, max: 2018}), fc.integer({min: 2019, max: MAX_FISCAL_YEAR}), (heisei, reiwa) => {
        expect(year(`平成${heisei - 1988}年度`)).toEqual({ok: true, year: heisei})
        expect(year(`H${heisei - 1988}`)).toEqual({ok: true, year: heisei})
        expect(year(`令和${reiwa - 2018}年度`)).toEqual({ok: true, year: reiwa})
      }),
    )
  })

  it('reads 民國 years with or without the prefix (calendar roc) as the same year', () => {
    fc.assert(
      fc.property(fc.integer({min: 1912, max: MAX_FISCAL_YEAR}), (y) => {
        expect(year(`民國${y - 1911}年`)).toEqual({ok: true, year: y})
        expect(year(`${y - 1911}年度`, 'roc')).toEqual({ok: true, year: y})
      }),
    )
  })
})
