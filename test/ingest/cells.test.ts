import {describe, expect, it} from 'vitest'

import {currencyCode, fiscalYear, text} from '../../src/ingest/values.js'

describe('the shared cell parsers', () => {
  it('read text, fiscal years and currencies the same way for every kind of file', () => {
    expect(text(5)(" '=SUM ")).toEqual({ok: true, value: '=SUM'})
    expect(text(3)('abcd')).toEqual({ok: false, reason: 'longer than 3 characters'})
    expect(text()('a\u0007b')).toEqual({ok: false, reason: 'contains control characters'})
    expect(text()('  ')).toEqual({ok: true, value: null})
    expect(fiscalYear('gregorian')('平成21年度')).toEqual({ok: true, value: 2009})
    expect(fiscalYear('roc')('98年度')).toEqual({ok: true, value: 2009})
    expect(fiscalYear('gregorian')('－')).toEqual({ok: true, value: null})
    expect(currencyCode('新台幣')).toEqual({ok: true, value: 'TWD'})
    expect(currencyCode('usd')).toEqual({ok: true, value: 'USD'})
    expect(currencyCode('dollars')).toMatchObject({ok: false, reason: 'not an ISO 4217 currency code'})
  })
})
