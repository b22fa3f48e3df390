/**
 * Every measure on a register of two to four systems, with the figures worked
 * out by hand beside each test. Money is in yen (moneyUnit one); the horizon is
 * FY2009–FY2013 and each measure starts in FY2009 at full effect unless said.
 */
import {describe, expect, it} from 'vitest'

import {decSum, estimate, measureSeries, register, runRate, sameAmount, scenarioOf, systemSeries, totalSeries} from './helpers.js'

describe('virtualize', () => {
  // Three systems, target utilisation 50 %:
  //   A 10 servers at 33 %  → capacity 10 × 10 000 × 0.33 = 33 000 (ten-thousandths of a server)
  //   B  6 servers at 20 %  → 12 000
  //   C  4 servers, unknown → assumed 20 % → 8 000
  // used 53 000; target 0.5 × 10 000 = 5 000 per host → hosts after = ⌈10.6⌉ = 11; hosts before 20.
  // Hardware and facilities-power scale by 11/20 = 0.55:
  //   A hw 1 000 000 → 550 000, fac 200 000 → 110 000
  //   B hw   600 000 → 330 000, fac 120 000 →  66 000
  //   C hw   400 000 → 220 000, fac 100 000 →  55 000
  // Platform 11 hosts × 30 000 = 330 000, charged back by capacity (33 000 : 12 000 : 8 000):
  //   exact 205 471.70, 74 716.98, 49 811.32 → floors 205 471 + 74 716 + 49 811 = 329 998;
  //   the 2 yen left go to the largest remainders (B .98, A .70) → 205 472, 74 717, 49 811.
  // Savings: A 1 200 000 − (550 000 + 205 472 + 110 000) = 334 528
  //          B   720 000 − (330 000 +  74 717 +  66 000) = 249 283
  //          C   500 000 − (220 000 +  49 811 +  55 000) = 175 189      total 759 000
  //   check: 2 420 000 × (1 − 0.55) − 330 000 = 759 000.
  // Hosts after per system, by capacity: 11 × (33 000, 12 000, 8 000)/53 000 = 6.85, 2.49, 1.66 →
  //   6 + 2 + 1 = 9, the two left to A (.85) and C (.66) → 7, 2, 2; servers removed 3 + 4 + 2 = 9.
  // kWh per server removed = 400 W × 8 760 h × PUE 1.5 ÷ 1 000 = 5 256 → 9 × 5 256 = 47 304 kWh.
  const systems = register(
    {id: 'A', servers: 10, utilisation: '33', recurring: {hardware: 1_000_000, 'facilities-power': 200_000, software: 50_000}},
    {id: 'B', servers: 6, utilisation: '20', recurring: {hardware: 600_000, 'facilities-power': 120_000}},
    {id: 'C', servers: 4, utilisation: null, recurring: {hardware: 400_000, 'facilities-power': 100_000}},
  )
  const scenario = () =>
    scenarioOf({
      measures: [
        {id: 'v', type: 'virtualize', targetUtilisation: 50, assumedUtilisation: 20, platformCostPerHost: 30_000, wattsPerServer: 400, pue: 1.5},
      ],
    })

  it('scales hardware and facilities by hosts after ÷ hosts before and charges the platform back by capacity', async () => {
    const {ledger} = estimate(await scenario(), systems)
    expect(runRate(ledger, 'A')).toBe(334_528)
    expect(runRate(ledger, 'B')).toBe(249_283)
    expect(runRate(ledger, 'C')).toBe(175_189)
    expect(totalSeries(ledger, 'savings')).toEqual([759_000, 759_000, 759_000, 759_000, 759_000])
  })

  it('reports the energy of the servers removed: watts × 8 760 h × PUE ÷ 1 000 per server', async () => {
    const {ledger, result} = estimate(await scenario(), systems)
    expect(systemSeries(ledger, 'A', 'kwhSaved')[0]).toBe(3 * 5256)
    expect(systemSeries(ledger, 'B', 'kwhSaved')[0]).toBe(4 * 5256)
    expect(systemSeries(ledger, 'C', 'kwhSaved')[0]).toBe(2 * 5256)
    expect(result.energy.byYear[0]).toEqual({year: 2009, kwhSaved: '47304'})
  })

  it('leaves the hosts after on each system for the measures that follow (facilities by energy)', async () => {
    // facilities after virtualize: A now has 7 hosts. 7 × 100 W × 8 760 h ÷ 1 000 = 6 132 kWh per unit of PUE;
    // × (2.0 − 1.5) = 3 066 kWh; × 10 yen = 30 660 yen off A's facilities pool (110 000 after virtualize).
    const twoMeasures = await scenarioOf({
      measures: [
        {id: 'v', type: 'virtualize', targetUtilisation: 50, assumedUtilisation: 20, platformCostPerHost: 30_000},
        {id: 'f', type: 'facilities', appliesTo: {systems: ['A']}, wattsPerHost: 100, pueBefore: 2, pueAfter: 1.5, pricePerKwh: 10},
      ],
    })
    const {ledger} = estimate(twoMeasures, systems)
    expect(measureSeries(ledger, 'f', 'savings')[0]).toBe(30_660)
    expect(measureSeries(ledger, 'f', 'kwhSaved')[0]).toBe(3066)
    expect(runRate(ledger, 'A')).toBe(334_528 + 30_660)
  })

  it('never needs fewer than one host, and a register without servers keeps its cost', async () => {
    // One server at 1 % on a 60 % platform: ⌈100 ÷ 6 000⌉ = 1 host, so hardware is unchanged.
    const one = register({id: 'X', servers: 1, utilisation: '1', recurring: {hardware: 90_000}}, {id: 'Y', servers: 0, recurring: {hardware: 10_000}})
    const {ledger} = estimate(await scenarioOf({measures: [{id: 'v', type: 'virtualize'}]}), one)
    expect(runRate(ledger, 'X')).toBe(0)
    expect(runRate(ledger, 'Y')).toBe(0)
  })
})

describe('pool-licences, unified-operations, network: one pool × reduction, rounded half away from zero', () => {
  // software 1 234 567 × 0.5 = 617 283.5 → 617 284; outside services 1 000 003 × 0.15 = 150 000.45 → 150 000;
  // telecom 333 333 × 0.25 = 83 333.25 → 83 333. Other pools are untouched.
  const systems = register(
    {id: 'A', recurring: {software: 1_234_567, 'outside-services': 1_000_003, telecom: 333_333, hardware: 999}},
    {id: 'B', recurring: {software: 1, 'outside-services': 3, telecom: 2}},
  )

  it.each([
    ['pool-licences', 0.5, 617_284, 1],
    ['unified-operations', 0.15, 150_000, 0],
    ['network', 0.25, 83_333, 1],
  ])('%s with reduction %s', async (type, reduction, savedA, savedB) => {
    // B: software 1 × 0.5 = 0.5 → 1; outside 3 × 0.15 = 0.45 → 0; telecom 2 × 0.25 = 0.5 → 1.
    const {ledger} = estimate(await scenarioOf({measures: [{id: 'm', type, reduction}]}), systems)
    expect(runRate(ledger, 'A')).toBe(savedA)
    expect(runRate(ledger, 'B')).toBe(savedB)
  })
})

describe('shared-auth', () => {
  // authCostPerSystem 2 000, sharedServiceCost 1 000 allocated by users 100 : 200 : 300:
  //   exact 166.67, 333.33, 500 → 166 + 333 + 500 = 999; the yen left goes to A (remainder .67) → 167, 333, 500.
  // A: software 1 500 → 0, then 500 from outside services 5 000 → 4 500; + 167 → 4 667. Saving 6 500 − 4 667 = 1 833.
  // B: software 5 000 → 3 000; outside 0 + 333.                              Saving 5 000 − 3 333 = 1 667.
  // C: software 0, outside 1 000 → 0 (never below zero: only 1 000 to take); + 500. Saving 1 000 − 500 = 500.
  // Total 4 000 = own authentication removed (2 000 + 2 000 + 1 000) − the shared service (1 000).
  const systems = register(
    {id: 'A', users: 100, recurring: {software: 1500, 'outside-services': 5000}},
    {id: 'B', users: 200, recurring: {software: 5000}},
    {id: 'C', users: 300, recurring: {'outside-services': 1000, hardware: 7000}},
  )

  it("removes each system's own authentication (software first, then outside services) and charges the shared service by users", async () => {
    const {ledger} = estimate(
      await scenarioOf({measures: [{id: 'gima', type: 'shared-auth', authCostPerSystem: 2000, sharedServiceCost: 1000}]}),
      systems,
    )
    expect(runRate(ledger, 'A')).toBe(1833)
    expect(runRate(ledger, 'B')).toBe(1667)
    expect(runRate(ledger, 'C')).toBe(500)
    expect(totalSeries(ledger, 'savings')[0]).toBe(4000)
  })

  it('allocates the shared service so that the parts sum exactly to it', async () => {
    // With no own authentication cost removed, each system's saving is minus its share; shares sum to 1 000.
    const {ledger} = estimate(
      await scenarioOf({measures: [{id: 'gima', type: 'shared-auth', authCostPerSystem: 0, sharedServiceCost: 1000}]}),
      systems,
    )
    expect(['A', 'B', 'C'].map((id) => runRate(ledger, id))).toEqual([-167, -333, -500])
    expect(totalSeries(ledger, 'savings')[0]).toBe(-1000)
  })
})

describe('facilities', () => {
  it('reduction form: the facilities-power pool × reduction', async () => {
    // 200 002 × 0.25 = 50 000.5 → 50 001; hardware untouched.
    const systems = register({id: 'A', recurring: {'facilities-power': 200_002, hardware: 500_000}})
    const {ledger} = estimate(await scenarioOf({measures: [{id: 'f', type: 'facilities', reduction: 0.25}]}), systems)
    expect(runRate(ledger, 'A')).toBe(50_001)
  })

  it('energy form: hosts × watts × 8 760 h × (PUE before − PUE after) × price per kWh, never more than the pool', async () => {
    // A: 10 hosts × 500 W × 8 760 h ÷ 1 000 = 43 800 kWh per unit of PUE; × (2.0 − 1.4) = 26 280 kWh;
    //    × 20 yen = 525 600 yen off facilities-power 1 000 000.
    // B: the same 26 280 kWh, but its pool is only 100 000: it gives up 100 000, never more.
    const systems = register(
      {id: 'A', servers: 10, recurring: {'facilities-power': 1_000_000}},
      {id: 'B', servers: 10, recurring: {'facilities-power': 100_000}},
    )
    const {ledger, result} = estimate(
      await scenarioOf({measures: [{id: 'f', type: 'facilities', wattsPerHost: 500, pueBefore: 2.0, pueAfter: 1.4, pricePerKwh: 20}]}),
      systems,
    )
    expect(runRate(ledger, 'A')).toBe(525_600)
    expect(runRate(ledger, 'B')).toBe(100_000)
    expect(systemSeries(ledger, 'A', 'kwhSaved')[0]).toBe(26_280)
    expect(result.energy.byYear[0].kwhSaved).toBe('52560')
  })

  // Known defect: the engine hands a measure its money parameters only in whole minor units, so the
  // price per kWh is rounded to 17 yen before it is multiplied (8 760 × 17 = 148 920, 2.6 % low).
  // Expected to fail until a money parameter can be read exactly; then drop `.fails`.
  it('energy form prices energy at the price per kWh as written, not rounded to whole yen first', async () => {
    // 1 host × 1 000 W × 8 760 h ÷ 1 000 × (2 − 1) = 8 760 kWh at 17.46 yen = 152 949.6 → 152 950 yen.
    const systems = register({id: 'A', servers: 1, recurring: {'facilities-power': 1_000_000}})
    const {ledger} = estimate(
      await scenarioOf({measures: [{id: 'f', type: 'facilities', wattsPerHost: 1000, pueBefore: 2, pueAfter: 1, pricePerKwh: 17.46}]}),
      systems,
    )
    expect(runRate(ledger, 'A')).toBe(152_950)
  })
})

describe('security-policy', () => {
  // share 0.08 × reduction 0.3 = 0.024 of every pool:
  //   hardware 1 000 000 → 24 000; software 123 457 → 2 962.968 → 2 963; telecom 20 → 0.48 → 0.
  it('takes pool × share × reduction from every pool', async () => {
    const systems = register({id: 'A', recurring: {hardware: 1_000_000, software: 123_457, telecom: 20}})
    const {ledger} = estimate(await scenarioOf({measures: [{id: 's', type: 'security-policy', share: 0.08, reduction: 0.3}]}), systems)
    expect(runRate(ledger, 'A')).toBe(26_963)
  })
})

describe('joint-use', () => {
  // Business area 受付: A (mic, 900 000), B (mof, 500 000), C (moj, 300 000); area 統計: D (mic, 400 000) alone.
  // perTenant 50 000. In 受付 the host is A (the costliest); B and C are replaced by 50 000 each:
  //   B saves 450 000, C saves 250 000; the group goes from 1 700 000 to 1 000 000 (reduction 700 000).
  // D is alone in its area: nothing changes. A network measure (telecom × 0.1) gives every area a row.
  const systems = register(
    {id: 'A', ministry: 'mic', area: '受付', recurring: {hardware: 800_000, telecom: 100_000}},
    {id: 'B', ministry: 'mof', area: '受付', recurring: {'outside-services': 400_000, telecom: 100_000}},
    {id: 'C', ministry: 'moj', area: '受付', recurring: {software: 300_000}},
    {id: 'D', ministry: 'mic', area: '統計', recurring: {hardware: 300_000, telecom: 100_000}},
  )
  const scenario = () =>
    scenarioOf({
      measures: [
        {id: 'wan', type: 'network', reduction: 0.1},
        {id: 'ju', type: 'joint-use', start: 2010, perTenant: 50_000},
      ],
    })
  const ministryOrder = ['mic', 'mof', 'moj']

  it("keeps the costliest system of each business area and replaces the others' cost by perTenant", async () => {
    // After the network measure: A 890 000, B 490 000, C 300 000, D 390 000.
    // Joint use: B 490 000 → 50 000 (saves 440 000), C 300 000 → 50 000 (saves 250 000); A, D unchanged.
    const {ledger} = estimate(await scenario(), systems)
    expect(measureSeries(ledger, 'ju', 'savings')).toEqual([0, 690_000, 690_000, 690_000, 690_000])
    expect(systemSeries(ledger, 'B', 'savings').at(-1)).toBe(10_000 + 440_000)
    expect(systemSeries(ledger, 'C', 'savings').at(-1)).toBe(250_000)
    expect(systemSeries(ledger, 'A', 'savings').at(-1)).toBe(10_000)
  })

  it('keeps the group before, after and reduction in the ledger', async () => {
    const {ledger} = estimate(await scenario(), systems)
    const group = ledger.jointUse.find((candidate) => candidate.group === '受付')!
    expect(group).toMatchObject({measure: 'ju', area: '受付', host: 'A', tenants: 2, before: 1_680_000, after: 990_000, start: 2010})
    expect(group.ministries).toEqual(['mic', 'mof', 'moj'])
    expect(ledger.jointUse.find((candidate) => candidate.group === '統計')).toMatchObject({host: 'D', tenants: 0, before: 390_000, after: 390_000})
  })

  it('gives the effects view a joint-use row after its area row, and the joint-use summary', async () => {
    // Area rows leave joint-use out: each is the network saving alone, 10 000 yen = 10 thousand
    // (C, moj, has no telecom and saves nothing outside joint use: no row).
    // The ＊ row: before 1 680 (thousand), after 990, reduction 690, from FY2010, under its lead ministry's 受付 row.
    const {result} = estimate(await scenario(), systems, {ministryOrder})
    const rows = result.effects.rows.map((row) => [row.kind, row.leadMinistry, row.area, row.costReductionThousandYen, row.costYear])
    expect(rows).toEqual([
      ['area', 'mic', '受付', '10', 2009],
      ['joint-use', 'mic', '受付', '690', 2010],
      ['area', 'mic', '統計', '10', 2009],
      ['area', 'mof', '受付', '10', 2009],
    ])
    expect(result.effects.rows[1]).toMatchObject({before: '1680', after: '990', hoursReduction: null, hoursYear: null})
    expect(result.effects.jointUseSummary).toEqual({before: '1680', after: '990', reduction: '690'})
    expect(result.effects.totals).toEqual({costReductionThousandYen: '30', jointUseThousandYen: '690', hoursReduction: '0'})
  })

  it('with groupBy none puts every system in one group with one host', async () => {
    // Without the network measure: host A (900 000); B, C, D → 50 000 each: 1 200 000 − 150 000 = 1 050 000 saved.
    const {ledger} = estimate(await scenarioOf({measures: [{id: 'ju', type: 'joint-use', groupBy: 'none', perTenant: 50_000}]}), systems)
    expect(ledger.jointUse).toHaveLength(1)
    expect(ledger.jointUse[0]).toMatchObject({group: 'all', host: 'A', tenants: 3, before: 2_100_000, after: 1_050_000})
    expect(measureSeries(ledger, 'ju', 'savings')[0]).toBe(1_050_000)
  })

  it('takes the host named by host: instead of the costliest', async () => {
    // Host C (300 000): A 900 000 → 50 000 and B 500 000 → 50 000 save 1 300 000.
    const {ledger} = estimate(await scenarioOf({measures: [{id: 'ju', type: 'joint-use', host: 'C', perTenant: 50_000}]}), systems)
    expect(ledger.jointUse.find((group) => group.group === '受付')).toMatchObject({host: 'C', before: 1_700_000, after: 400_000})
    expect(measureSeries(ledger, 'ju', 'savings')[0]).toBe(1_300_000)
  })
})

describe('bpr', () => {
  // A 10 000.5 h × 0.1 = 1 000.05 h saved; B 5 000 h × 0.1 = 500 h; total 1 500.05 h.
  // FTE = 1 500.05 ÷ 1 500 h = 1.00003 → 1.0.
  // hourlyCost 3 000 yen: A 3 000 × 1 000.05 = 3 000 150; B 3 000 × 500 = 1 500 000; non-cash 4 500 150 a year.
  // Cash savings: none — the monetised time never enters savings, net or NPV.
  const systems = register(
    {id: 'A', hours: '10000.5', recurring: {'internal-labor': 9_000_000}},
    {id: 'B', hours: '5000', recurring: {'internal-labor': 4_000_000}},
  )
  const scenario = (extra: Record<string, unknown> = {}) =>
    scenarioOf({hoursPerFte: 1500, measures: [{id: 'bpr', type: 'bpr', reduction: 0.1, ...extra}]})

  it('turns hours saved into FTE and, with an hourly cost, a non-cash benefit kept out of cash savings', async () => {
    const {ledger, result} = estimate(await scenario({hourlyCost: 3000}), systems)
    expect(systemSeries(ledger, 'A', 'centiHoursSaved')[0]).toBe(100_005)
    expect(result.hours.byYear[0]).toEqual({year: 2009, before: '15000.5', saved: '1500.05', after: '13500.45', fte: '1.0'})
    expect(result.hours.runRateSaved).toBe('1500.05')
    expect(result.totals.byYear[0]).toMatchObject({savings: '0', net: '0', nonCash: '4500150', scenario: '13000000'})
    expect(result.totals.nonCash).toBe('22500750')
    expect(result.totals.net).toBe('0')
    expect(result.totals.npv).toBe('0')
  })

  it('without an hourly cost has no non-cash benefit', async () => {
    const {result} = estimate(await scenario(), systems)
    expect(result.totals.nonCash).toBe('0')
    expect(result.hours.runRateSaved).toBe('1500.05')
  })

  it("uses the scenario's hourlyCost when the measure gives none", async () => {
    const withScenarioRate = await scenarioOf({hoursPerFte: 1500, hourlyCost: 3000, measures: [{id: 'bpr', type: 'bpr', reduction: 0.1}]})
    const {result} = estimate(withScenarioRate, systems)
    expect(result.totals.byYear[0].nonCash).toBe('4500150')
  })

  it('applies reductions in order to the hours left', async () => {
    // 15 000.5 h: A 10 000.5 × 0.5 = 5 000.25 → 5 000.25 left × 0.5 = 2 500.125 → centi 250 012.5 → 250 013 (half away from zero)
    const two = await scenarioOf({
      measures: [
        {id: 'b1', type: 'bpr', reduction: 0.5},
        {id: 'b2', type: 'bpr', reduction: 0.5},
      ],
    })
    const {ledger} = estimate(two, register({id: 'A', hours: '10000.5', recurring: {other: 1}}))
    expect(measureSeries(ledger, 'b1', 'centiHoursSaved')[0]).toBe(500_025)
    expect(measureSeries(ledger, 'b2', 'centiHoursSaved')[0]).toBe(250_013)
  })
})

describe('a measure is applied to the systems its filter selects', () => {
  it('selects by ministry, category, area, tags, and leaves out must-stay, retired and migrated systems by default', async () => {
    const systems = register(
      {id: 'A', ministry: 'mic', tags: ['wan'], recurring: {telecom: 1000}},
      {id: 'B', ministry: 'mof', recurring: {telecom: 1000}},
      {id: 'C', ministry: 'mic', eligibility: 'must-stay', recurring: {telecom: 1000}},
      {id: 'D', ministry: 'mic', status: 'retired', recurring: {telecom: 1000}},
    )
    const run = async (appliesTo: Record<string, unknown> | undefined) => {
      const {ledger} = estimate(
        await scenarioOf({measures: [{id: 'n', type: 'network', reduction: 0.5, ...(appliesTo ? {appliesTo} : {})}]}),
        systems,
      )
      return ledger.applied.n
    }
    expect(await run(undefined)).toBe(2)
    expect(await run({ministry: 'mic'})).toBe(1)
    expect(await run({tags: ['wan']})).toBe(1)
    expect(await run({eligibility: ['eligible', 'must-stay']})).toBe(3)
    expect(await run({status: ['retired']})).toBe(1)
    expect(await run({systems: ['Z']})).toBe(0)
  })

  it('a measure that selects nothing is listed as unused and changes nothing', async () => {
    const {ledger, result} = estimate(
      await scenarioOf({measures: [{id: 'n', type: 'network', reduction: 0.5, appliesTo: {ministry: 'moe'}}]}),
      register({recurring: {telecom: 10}}),
    )
    expect(ledger.unused).toEqual([{measure: 'n', filter: expect.objectContaining({ministry: ['moe']})}])
    expect(result.warnings[0]).toContain('measure n applies to no system')
    expect(result.totals.savings).toBe('0')
  })
})

describe('the ledger and the result agree', () => {
  it('measure rows add up to the total', async () => {
    const systems = register({id: 'A', recurring: {software: 1001, telecom: 999}}, {id: 'B', recurring: {software: 7, telecom: 3}})
    const {result} = estimate(
      await scenarioOf({
        measures: [
          {id: 'p', type: 'pool-licences', reduction: 0.5},
          {id: 'n', type: 'network', reduction: 0.5},
        ],
      }),
      systems,
    )
    sameAmount(decSum(result.by.rows.map((row) => row.savings)), result.totals.savings, 'savings')
  })
})
