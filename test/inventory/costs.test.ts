import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {Dec, canonical} from '../../src/domain/money.js'
import {EN_SYSTEMS} from '../fixtures/registers.js'
import {ok, tempDir, writeText} from './helpers.js'

const SYSTEMS = ['CAS-0001', 'MIC-0001', 'MIC-0002']

describe('the costs inventory list shows', () => {
  it('are the exact sums of the cost lines, whole, fractional, negative or beyond 2^53, in any order', async () => {
    const amount = fc.oneof(
      fc.integer({min: 0, max: 99_999_999}).map(String),
      fc.bigInt({min: -(10n ** 20n), max: 10n ** 20n}).map(String),
      fc.constantFrom('0', '-0', '999999999999999', '-999999999999999', '9007199254740991', '0.1', '0.2', '-0.3', '1234.5678'),
    )
    const line = fc.record({system: fc.constantFrom(...SYSTEMS), amount, currency: fc.constantFrom('JPY', 'USD')})
    await fc.assert(
      fc.asyncProperty(fc.array(line, {minLength: 1, maxLength: 40}), async (lines) => {
        const dir = tempDir()
        const database = `${dir}/kasumi.db`
        await ok(['init', '--database', database])
        await ok(['inventory', 'import', writeText('systems.csv', EN_SYSTEMS, {dir}), '--database', database])
        const csv = [
          'system_id,fiscal_year,pool,spend_type,frequency,amount,currency,note',
          ...lines.map(({system, amount, currency}) => `${system},2012,hardware,operations,recurring,${amount},${currency},`),
        ].join('\n')
        await ok(['inventory', 'import', writeText('costs.csv', csv, {dir}), '--database', database])
        const listed = await ok(['inventory', 'list', '--database', database, '--json'])
        const expected = new Map<string, Map<string, Dec>>()
        for (const {system, amount, currency} of lines) {
          const byCurrency = expected.get(system) ?? new Map<string, Dec>()
          expected.set(system, byCurrency)
          byCurrency.set(currency, (byCurrency.get(currency) ?? new Dec(0)).plus(new Dec(amount)))
        }
        for (const system of listed.json.systems as Array<{id: string; cost: Record<string, string>}>) {
          const sums = expected.get(system.id) ?? new Map<string, Dec>()
          expect(system.cost, system.id).toEqual(Object.fromEntries([...sums].map(([currency, sum]) => [currency, canonical(sum)])))
        }
      }),
      {numRuns: 8},
    )
  })
})
