/**
 * The optimization-effects view: the columns of the 2009 table (as
 * `kasumi reference show jp-2009 --json` gives them), the run-rate reduction in
 * thousands with the first year it is reached, and the ＊ joint-use rows
 * placed after their area's row.
 */
import {describe, expect, it} from 'vitest'

import {kasumi} from '../support/cli.js'
import {estimate, register, scenarioOf} from './helpers.js'

const COLUMNS = ['leadMinistry', 'area', 'costReductionThousandYen', 'costYear', 'hoursReduction', 'hoursYear'] as const
const ministryOrder = ['cas', 'mic', 'mof', 'moj']

// Area 受付: A (mic, telecom 1 234 567, software 900 000, 10 000 h) and B (mof, software 800 000, telecom 100 000, 5 000 h);
// area 統計: C (mic, telecom 2 000, no hours).
// network 50 % from FY2010, ramp [0.5, 1]; bpr 10 % from FY2011, ramp [0.5, 1]; joint use of 受付 from FY2011, ramp [0.5, 1].
const systems = register(
  {id: 'A', ministry: 'mic', area: '受付', hours: '10000', recurring: {telecom: 1_234_567, software: 900_000}},
  {id: 'B', ministry: 'mof', area: '受付', hours: '5000', recurring: {software: 800_000, telecom: 100_000}},
  {id: 'C', ministry: 'mic', area: '統計', recurring: {telecom: 2000}},
)
const scenario = () =>
  scenarioOf({
    horizon: [2009, 2014],
    measures: [
      {id: 'wan', type: 'network', reduction: 0.5, start: 2010, ramp: [0.5, 1]},
      {id: 'bpr', type: 'bpr', reduction: 0.1, start: 2011, ramp: [0.5, 1]},
      {id: 'ju', type: 'joint-use', perTenant: 30_000, start: 2011, ramp: [0.5, 1]},
    ],
  })

describe('the effects view', () => {
  it('has the columns of the 2009 reference table, with the same kinds of values', async () => {
    const reference = await kasumi(['reference:show', 'jp-2009', '--json'])
    expect(reference.exitCode, reference.stderr).toBe(0)
    const referenceRow = reference.json.rows[0]
    for (const column of COLUMNS) expect(Object.keys(referenceRow)).toContain(column)
    const {result} = estimate(await scenario(), systems, {ministryOrder})
    expect(result.effects.rows.length).toBeGreaterThan(0)
    for (const row of result.effects.rows) {
      for (const column of COLUMNS) expect(Object.keys(row)).toContain(column)
      expect(typeof row.leadMinistry).toBe('string')
      expect(typeof row.area).toBe('string')
      for (const column of ['costReductionThousandYen', 'hoursReduction'] as const)
        expect(row[column] === null || /^-?\d+(\.\d+)?$/.test(row[column]!)).toBe(true)
      for (const column of ['costYear', 'hoursYear'] as const) expect(row[column] === null || Number.isInteger(row[column])).toBe(true)
      expect(['area', 'joint-use']).toContain(row.kind)
    }
    // The reference's joint-use rows are their own kind too.
    expect(reference.json.rows.some((row: {kind: string}) => row.kind === 'joint-use')).toBe(true)
  })

  it('gives the run-rate reduction in thousands and the first year it is reached; ＊ rows after their area', async () => {
    // network: A 1 234 567 × 0.5 = 617 283.5 → 617 284; B 100 000 × 0.5 = 50 000; C 1 000. Full from FY2011.
    // bpr: A 10 000 h × 0.1 = 1 000 h; B 500 h. Full from FY2012.
    // joint use of 受付: host A (617 283 + 900 000 = 1 517 283 left after the network measure) keeps its cost;
    //   B (850 000 left) becomes 30 000: 820 000 a year, full from FY2012 (ramp [0.5, 1] from FY2011).
    //   before 1 517 283 + 850 000 = 2 367 283, after 1 547 283. Area rows leave it out: B's row is its network saving.
    const {result} = estimate(await scenario(), systems, {ministryOrder})
    const rows = result.effects.rows.map((row) => Object.fromEntries([['kind', row.kind], ...COLUMNS.map((column) => [column, row[column]])]))
    expect(rows).toEqual([
      {kind: 'area', leadMinistry: 'mic', area: '受付', costReductionThousandYen: '617.284', costYear: 2011, hoursReduction: '1000', hoursYear: 2012},
      {kind: 'joint-use', leadMinistry: 'mic', area: '受付', costReductionThousandYen: '820', costYear: 2012, hoursReduction: null, hoursYear: null},
      {kind: 'area', leadMinistry: 'mic', area: '統計', costReductionThousandYen: '1', costYear: 2011, hoursReduction: null, hoursYear: null},
      {kind: 'area', leadMinistry: 'mof', area: '受付', costReductionThousandYen: '50', costYear: 2011, hoursReduction: '500', hoursYear: 2012},
    ])
    expect(result.effects.rows[1]).toMatchObject({before: '2367.283', after: '1547.283'})
    expect(result.effects.totals).toEqual({costReductionThousandYen: '668.284', jointUseThousandYen: '820', hoursReduction: '1500'})
    expect(result.effects.jointUseSummary).toEqual({before: '2367.283', after: '1547.283', reduction: '820'})
  })

  // Known defect in the engine: a joint-use group's ministries are kept in register order, and the ＊ row's lead
  // is the first of them, not the host's ministry. Expected to fail until the engine puts the host's ministry first.
  it("the ＊ row's lead ministry is the host's, and the row follows the host ministry's area row", async () => {
    // B's software raised to 2 000 000: B (2 050 000 after the network measure) is the host, A (1 517 283) the tenant.
    const hostB = register(
      {id: 'A', ministry: 'mic', area: '受付', recurring: {telecom: 1_234_567, software: 900_000}},
      {id: 'B', ministry: 'mof', area: '受付', recurring: {software: 2_000_000, telecom: 100_000}},
    )
    const {ledger, result} = estimate(await scenario(), hostB, {ministryOrder})
    expect(ledger.jointUse[0].host).toBe('B')
    const rows = result.effects.rows.map((row) => [row.kind, row.leadMinistry, row.area])
    expect(rows).toEqual([
      ['area', 'mic', '受付'],
      ['area', 'mof', '受付'],
      ['joint-use', 'mof', '受付'],
    ])
  })

  it('an area whose saving never reaches a positive run-rate has no cost year', async () => {
    // shared-auth costing more than it saves: 1 000 removed, 5 000 charged → −4 thousand, no year.
    const {result} = estimate(
      await scenarioOf({measures: [{id: 'g', type: 'shared-auth', authCostPerSystem: 1000, sharedServiceCost: 5000}]}),
      register({id: 'A', ministry: 'mic', area: 'X', users: 1, recurring: {software: 1000}}),
      {ministryOrder},
    )
    expect(result.effects.rows).toEqual([
      {kind: 'area', leadMinistry: 'mic', area: 'X', costReductionThousandYen: '-4', costYear: null, hoursReduction: null, hoursYear: null},
    ])
  })
})
