import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {InvalidInputError} from '../../src/domain/errors.js'
import {Dec} from '../../src/domain/money.js'
import type {DocumentRecord, LifeEventRecord, ProcedureRecord} from '../../src/domain/services.js'
import {parseScenario} from '../../src/estimate/scenario.js'
import {parts, planServices, requestKey, stateFor, sumBurdens, addBurden, type Burden} from '../../src/estimate/services.js'
import {buildServicesResult, lifeEventBurden, totalBurden} from '../../src/estimate/services-result.js'
import type {ServiceRegister} from '../../src/estimate/services-model.js'

/**
 * Hand-worked examples of the four service measures on a register small
 * enough to follow on paper, then the Standard Cost Model's law: every total
 * is the sum of its parts.
 */

const procedure = (id: string, agency: string, fields: Partial<ProcedureRecord>): ProcedureRecord => ({
  id,
  name: id,
  agency,
  agencyLevel: 'municipality',
  annualCases: '0',
  channel: 'counter',
  visitsPerCase: '0',
  travelMinutes: '0',
  waitingMinutes: '0',
  formMinutes: '0',
  staffMinutes: '0',
  fee: '0',
  currency: 'JPY',
  systems: [],
  ...fields,
})

const document = (id: string, fields: Partial<DocumentRecord>): DocumentRecord => ({
  id,
  name: id,
  issuer: 'X',
  issuerLevel: 'municipality',
  citizenMinutes: '0',
  staffMinutes: '0',
  fee: '0',
  currency: 'JPY',
  authenticSource: true,
  ...fields,
})

// P1: 1 000 cases, 1 visit of 30 + 20 minutes, 10 minutes filling in, 15 staff minutes, fee 300 yen.
// P2: 500 cases, 2 visits of 40 + 10 minutes, 20 minutes filling in, 10 staff minutes.
// D1 (authentic source): 60 citizen minutes, 8 staff minutes, fee 300 yen. D2 (none): 30 citizen minutes.
// L: P1 with D1 and D2, P2 with D1.
const REGISTER: ServiceRegister = {
  procedures: [
    procedure('P1', 'A', {
      annualCases: '1000',
      visitsPerCase: '1',
      travelMinutes: '30',
      waitingMinutes: '20',
      formMinutes: '10',
      staffMinutes: '15',
      fee: '300',
    }),
    procedure('P2', 'B', {
      annualCases: '500',
      channel: 'online-partly',
      visitsPerCase: '2',
      travelMinutes: '40',
      waitingMinutes: '10',
      formMinutes: '20',
      staffMinutes: '10',
    }),
  ],
  documents: [document('D1', {citizenMinutes: '60', staffMinutes: '8', fee: '300'}), document('D2', {citizenMinutes: '30', authenticSource: false})],
  lifeEvents: [
    {
      id: 'L',
      nameJa: 'テスト',
      nameZh: null,
      nameEn: null,
      steps: [
        {procedureId: 'P1', documents: ['D1', 'D2']},
        {procedureId: 'P2', documents: ['D1']},
      ],
    },
  ],
}

async function scenario(measures: string, extra = '') {
  const text = `name: t\nbaseYear: 2009\nhorizon: [2010, 2012]\nmoneyUnit: thousand\ncitizenHourValue: 2\nhourlyCost: 3\n${extra}measures:\n${measures}`
  return (await parseScenario(text, '/virtual/t.yaml')).scenario
}

function plan(measures: string, extra = '') {
  return scenario(measures, extra).then((loaded) => planServices(loaded, REGISTER))
}

const minutes = (burden: Burden) => [burden.citizenMinutes.toFixed(), burden.staffMinutes.toFixed()]

describe('the Standard Cost Model before any measure', () => {
  it('cases × minutes per procedure and per document a procedure requires; value at the tariff', async () => {
    const p = await plan('  - {id: m, type: online-application, takeUp: 0.5, appliesTo: {procedures: [P2]}, start: 2012}\n')
    const before = parts(p, stateFor(p, 'before'))
    // P1: 1 000 × (1 × (30 + 20) + 10) = 60 000 citizen minutes; 1 000 × 15 = 15 000 staff minutes.
    expect(minutes(before.procedures.get('P1')!)).toEqual(['60000', '15000'])
    // 60 000 minutes = 1 000 hours × 2 000 yen; 15 000 minutes = 250 hours × 3 000 yen; fees 1 000 × 300.
    expect(before.procedures.get('P1')).toMatchObject({citizenValue: new Dec(2_000_000), staffCost: new Dec(750_000), fees: new Dec(300_000)})
    // P2: 500 × (2 × 50 + 20) = 60 000.
    expect(minutes(before.procedures.get('P2')!)).toEqual(['60000', '5000'])
    expect(minutes(before.requests.get(requestKey('P1', 'D1'))!)).toEqual(['60000', '8000'])
    expect(minutes(before.requests.get(requestKey('P1', 'D2'))!)).toEqual(['30000', '0'])
    expect(minutes(before.requests.get(requestKey('P2', 'D1'))!)).toEqual(['30000', '4000'])
    expect(totalBurden(p, stateFor(p, 'before')).citizenMinutes.toFixed()).toBe('240000')
  })
})

describe('online-application', () => {
  it('moves half of P1 online: visits and travel halve, filling in × 0.9, staff × 0.8', async () => {
    const p = await plan('  - {id: m, type: online-application, takeUp: 0.5, formFactor: 0.8, staffFactor: 0.6, appliesTo: {procedures: [P1]}}\n')
    const after = stateFor(p, 2010).procedures.get('P1')!
    expect([after.visits.toFixed(), after.visitMinutes.toFixed(), after.formMinutes.toFixed(), after.staffMinutes.toFixed()]).toEqual([
      '0.5',
      '25',
      '9',
      '12',
    ])
    // 1 000 × (25 + 9) = 34 000 citizen minutes; 1 000 × 12 = 12 000 staff minutes.
    expect(minutes(parts(p, stateFor(p, 2010)).procedures.get('P1')!)).toEqual(['34000', '12000'])
  })

  it('follows its ramp: a quarter of the take-up in the start year', async () => {
    const p = await plan('  - {id: m, type: online-application, takeUp: 0.8, appliesTo: {procedures: [P1]}, start: 2011, ramp: [0.25, 1]}\n')
    expect(stateFor(p, 2010).procedures.get('P1')!.visits.toFixed()).toBe('1')
    // 0.8 × 0.25 = 0.2 of the cases: 0.8 visits per case.
    expect(stateFor(p, 2011).procedures.get('P1')!.visits.toFixed()).toBe('0.8')
    expect(stateFor(p, 2012).procedures.get('P1')!.visits.toFixed()).toBe('0.2')
  })

  it('refuses a take-up above 100 % (exit 3)', async () => {
    const error = await scenario('  - {id: m, type: online-application, takeUp: 1.2}\n').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InvalidInputError)
    expect((error as InvalidInputError).exitCode).toBe(3)
    expect(String((error as InvalidInputError).issues[0].message)).toBe('take-up must be between 0 and 1')
  })
})

describe('one-stop', () => {
  it('collapses the visits of L to one (½ each for its two procedures) for half the cases, and 40 % of filling in is repeated entry', async () => {
    const p = await plan('  - {id: m, type: one-stop, takeUp: 0.5, repeatedEntryShare: 0.4, appliesTo: {lifeEvents: [L]}}\n')
    const state = stateFor(p, 2010)
    const p1 = state.procedures.get('P1')!
    const p2 = state.procedures.get('P2')!
    // P1: 1 × 0.5 + 0.5 × min(1, ½) = 0.75 visits of 50 minutes; filling in 10 × (1 − 0.5 × 0.4) = 8.
    expect([p1.visits.toFixed(), p1.visitMinutes.toFixed(), p1.formMinutes.toFixed()]).toEqual(['0.75', '37.5', '8'])
    // P2: 2 × 0.5 + 0.5 × ½ = 1.25 visits of 50 minutes; filling in 20 × 0.8 = 16.
    expect([p2.visits.toFixed(), p2.visitMinutes.toFixed(), p2.formMinutes.toFixed()]).toEqual(['1.25', '62.5', '16'])
    expect(minutes(parts(p, state).procedures.get('P1')!)[0]).toBe('45500')
    expect(minutes(parts(p, state).procedures.get('P2')!)[0]).toBe('39250')
    const result = buildServicesResult(
      await scenario('  - {id: m, type: one-stop, takeUp: 0.5, repeatedEntryShare: 0.4, appliesTo: {lifeEvents: [L]}}\n'),
      p,
    )
    // Per occurrence: (1 − ½) × 2 procedures + ½ × 1 window = 1.5; the same for the two agencies; 2 visits.
    expect(result.lifeEvents[0].before).toEqual({procedures: '2', agencies: '2', documents: '2', visitsPerCase: '3.0'})
    expect(result.lifeEvents[0].after).toEqual({procedures: '1.5', agencies: '1.5', documents: '2.0', visitsPerCase: '2.0'})
  })
})

describe('once-only', () => {
  it('drops 90 % of the requests for D1: the citizen keeps 10 % of the minutes and fees, the issuer exchanges the rest at ¼ of a copy', async () => {
    const p = await plan('  - {id: m, type: once-only, takeUp: 0.9, exchangeFactor: 0.25, appliesTo: {documents: [D1]}}\n')
    const after = parts(p, stateFor(p, 2010))
    // P1–D1: 1 000 × 0.1 × 60 = 6 000 citizen minutes; staff 1 000 × 0.1 × 8 + 1 000 × 0.9 × 8 × 0.25 = 800 + 1 800.
    expect(minutes(after.requests.get(requestKey('P1', 'D1'))!)).toEqual(['6000', '2600'])
    expect(after.requests.get(requestKey('P1', 'D1'))!.fees.toFixed()).toBe('30000')
    // P2–D1: 500 × 0.1 × 60 = 3 000; staff 400 + 900.
    expect(minutes(after.requests.get(requestKey('P2', 'D1'))!)).toEqual(['3000', '1300'])
    // D2 has no authentic source: untouched.
    expect(minutes(after.requests.get(requestKey('P1', 'D2'))!)).toEqual(['30000', '0'])
  })

  it('refuses a document without an authentic source, naming the measure and the document (exit 3)', async () => {
    const loaded = await scenario('  - {id: m, type: once-only, takeUp: 0.9, appliesTo: {documents: [D1, D2]}}\n')
    const error = (() => {
      try {
        planServices(loaded, REGISTER)
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(InvalidInputError)
    expect((error as InvalidInputError).exitCode).toBe(3)
    expect((error as InvalidInputError).issues).toEqual([
      expect.objectContaining({
        column: 'measures[0].appliesTo.documents',
        value: 'D2',
        message: 'document D2 (D2) has no authentic source: its issuer cannot supply it directly, so once-only cannot drop it',
        line: 8,
      }),
    ])
  })

  it('refuses a life event, procedure or document the register does not have', async () => {
    const loaded = await scenario(
      '  - {id: m, type: one-stop, takeUp: 0.5, repeatedEntryShare: 0, appliesTo: {lifeEvents: [NOPE], procedures: [P9]}}\n',
    )
    expect(() => planServices(loaded, REGISTER)).toThrow(/2 problems with the service measures/)
  })
})

describe('e-post-box', () => {
  it('counts notices by post in the baseline and removes the electronic share', async () => {
    const p = await plan(
      '  - {id: m, type: e-post-box, takeUp: 0.5, noticesPerCase: 2, citizenMinutes: 10, staffMinutes: 5, postage: 0.1, appliesTo: {procedures: [P2]}}\n',
    )
    const before = parts(p, stateFor(p, 'before')).procedures.get('P2')!
    const after = parts(p, stateFor(p, 2010)).procedures.get('P2')!
    // Before: 500 × (120 + 2 × 10) = 70 000; staff 500 × (10 + 2 × 5) = 10 000; postage 500 × 2 × 100 yen.
    expect([...minutes(before), before.postage.toFixed()]).toEqual(['70000', '10000', '100000'])
    // After: one of the two notices per case by post.
    expect([...minutes(after), after.postage.toFixed()]).toEqual(['65000', '7500', '50000'])
  })
})

/* ---------- the law: totals are the sum of their parts ---------- */

const decimal = (max: number, places = 0) => fc.integer({min: 0, max: max * 10 ** places}).map((n) => new Dec(n).dividedBy(10 ** places).toFixed())

const registerArbitrary: fc.Arbitrary<ServiceRegister> = fc
  .record({
    procedures: fc.array(
      fc.record({
        cases: decimal(1_000_000),
        channel: fc.constantFrom('counter', 'online-partly', 'online-fully'),
        visits: decimal(4, 1),
        travel: decimal(120, 1),
        waiting: decimal(120),
        form: decimal(90, 2),
        staff: decimal(60, 1),
        fee: decimal(5000),
        agency: fc.constantFrom('A', 'B', 'C'),
      }),
      {minLength: 1, maxLength: 6},
    ),
    documents: fc.array(fc.record({minutes: decimal(90, 1), staff: decimal(20), fee: decimal(1000), authentic: fc.boolean()}), {
      minLength: 0,
      maxLength: 5,
    }),
    events: fc.array(fc.array(fc.tuple(fc.nat(), fc.array(fc.nat(), {maxLength: 4})), {minLength: 1, maxLength: 6}), {minLength: 1, maxLength: 3}),
  })
  .map(({procedures, documents, events}) => {
    const records = procedures.map((p, index) =>
      procedure(`P${index}`, p.agency, {
        annualCases: p.cases,
        channel: p.channel as ProcedureRecord['channel'],
        visitsPerCase: p.channel === 'online-fully' ? '0' : p.visits,
        travelMinutes: p.travel,
        waitingMinutes: p.waiting,
        formMinutes: p.form,
        staffMinutes: p.staff,
        fee: p.fee,
      }),
    )
    const docs = documents.map((d, index) =>
      document(`D${index}`, {citizenMinutes: d.minutes, staffMinutes: d.staff, fee: d.fee, authenticSource: d.authentic}),
    )
    const lifeEvents: LifeEventRecord[] = events.map((steps, index) => {
      const seen = new Set<string>()
      return {
        id: `L${index}`,
        nameJa: `L${index}`,
        nameZh: null,
        nameEn: null,
        steps: steps
          .map(([p, ds]) => ({
            procedureId: `P${p % records.length}`,
            documents: docs.length === 0 ? [] : [...new Set(ds.map((d) => `D${d % docs.length}`))],
          }))
          .filter((step) => !seen.has(step.procedureId) && seen.add(step.procedureId) !== undefined),
      }
    })
    return {procedures: records, documents: docs, lifeEvents}
  })

const measuresArbitrary = fc.array(
  fc.oneof(
    fc.record({type: fc.constant('online-application'), takeUp: decimal(1, 2), formFactor: decimal(1, 2), staffFactor: decimal(1, 2)}),
    fc.record({type: fc.constant('one-stop'), takeUp: decimal(1, 2), repeatedEntryShare: decimal(1, 2)}),
    fc.record({type: fc.constant('once-only'), takeUp: decimal(1, 2), exchangeFactor: decimal(1, 2)}),
    fc.record({
      type: fc.constant('e-post-box'),
      takeUp: decimal(1, 2),
      citizenMinutes: decimal(30),
      staffMinutes: decimal(10),
      postage: decimal(1, 3),
    }),
  ),
  {minLength: 1, maxLength: 5},
)

describe('Standard Cost Model totals (property)', () => {
  it('equal the sum of their parts: per procedure and document, per life event, per document, with money rounded once per part', async () => {
    await fc.assert(
      fc.asyncProperty(registerArbitrary, measuresArbitrary, fc.constantFrom(2010, 2011, 2012), async (register, measures, year) => {
        const lines = measures.map((measure, index) => {
          const {type, ...params} = measure
          return `  - {id: m${index}, type: ${type}, ${Object.entries(params)
            .map(([key, value]) => `${key}: ${value}`)
            .join(', ')}, start: 2011, ramp: [0.5, 1]}\n`
        })
        const loaded = (
          await parseScenario(
            `name: p\nbaseYear: 2009\nhorizon: [2010, 2012]\ncitizenHourValue: 1.7\nhourlyCost: 3.3\nmeasures:\n${lines.join('')}`,
            '/virtual/p.yaml',
          )
        ).scenario
        const p = planServices(loaded, register)
        for (const when of ['before', year] as const) {
          const state = stateFor(p, when)
          const all = parts(p, state)
          const total = totalBurden(p, state)
          // The whole register: every procedure part plus every document part.
          expect(total).toEqual(addBurden(sumBurdens(all.procedures.values()), sumBurdens(all.requests.values())))
          // Documents: each is the sum of its requests; together they are all the document parts.
          const byDocument = register.documents.map((d) =>
            sumBurdens([...all.requests].filter(([key]) => key.endsWith(`\u0000${d.id}`)).map(([, b]) => b)),
          )
          expect(sumBurdens(byDocument)).toEqual(sumBurdens(all.requests.values()))
          // A life event: its procedures and the documents it lists for them.
          for (const event of register.lifeEvents) {
            const pieces = event.steps.flatMap((step) => [
              all.procedures.get(step.procedureId)!,
              ...step.documents.map((d) => all.requests.get(requestKey(step.procedureId, d))!),
            ])
            expect(lifeEventBurden(p, state, event.id)).toEqual(sumBurdens(pieces))
          }
          // Money parts are whole yen.
          for (const b of [...all.procedures.values(), ...all.requests.values()])
            for (const amount of [b.citizenValue, b.staffCost, b.fees, b.postage]) expect(amount.isInteger()).toBe(true)
        }
        // With every factor at most 1, the measures never add citizen time.
        const result = buildServicesResult(loaded, p)
        expect(new Dec(result.saved.citizenMinutes).greaterThanOrEqualTo(0)).toBe(true)
        expect(result.byYear.map((row) => row.year)).toEqual([2010, 2011, 2012])
      }),
      {numRuns: 30, seed: 20091},
    )
  }, 180_000)
})
