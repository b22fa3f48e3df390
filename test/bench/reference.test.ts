import {describe, expect, it} from 'vitest'

import {InvalidInputError, UsageError} from '../../src/domain/errors.js'
import {Dec} from '../../src/domain/money.js'
import type {EffectRow} from '../../src/estimate/results.js'
import {bundledMinistries} from '../../src/reference/ministries.js'
import {loadReferenceTable, type ReferenceTable} from '../../src/reference/jp2009.js'
import {compareWithReference} from '../../src/bench/reference.js'
import {DEFAULT_AREA_MAP, loadAreaMap, type AreaMapEntry} from '../../src/reference/area-map.js'
import {csv, tempDir, writeFile} from '../fixtures/bench/helpers.js'

const area = (leadMinistry: string, name: string, cost: string, hours: string | null = null): EffectRow => ({
  kind: 'area',
  leadMinistry,
  area: name,
  costReductionThousandYen: cost,
  costYear: 2012,
  hoursReduction: hours,
  hoursYear: hours === null ? null : 2012,
})
const jointUse = (leadMinistry: string, name: string, cost: string): EffectRow => ({
  kind: 'joint-use',
  leadMinistry,
  area: name,
  costReductionThousandYen: cost,
  costYear: 2012,
  hoursReduction: null,
  hoursYear: null,
  before: '0',
  after: '0',
})

/** A known estimate (thousand yen, hours per year). */
const effects = {
  rows: [
    area('npa', '人事・給与等業務', '1000', '50'),
    jointUse('npa', '人事・給与等業務', '30'),
    area('mic', '人事・給与等業務', '500'),
    area('mof', '府省LAN', '200', '10'),
    area('cas', '府省LAN', '100'),
    area('mod', '個別業務', '70', '7'),
  ],
  totals: {costReductionThousandYen: '1870', jointUseThousandYen: '30', hoursReduction: '67'},
  jointUseSummary: {before: '0', after: '0', reduction: '30'},
}

const sumOf = (table: ReferenceTable, seqs: number[], pick: 'costReductionThousandYen' | 'hoursReduction') =>
  table.rows
    .filter((row) => seqs.includes(row.seq))
    .reduce((total, row) => total.plus(row[pick] ?? 0), new Dec(0))
    .toFixed()
const range = (from: number, to: number) => Array.from({length: to - from + 1}, (_, index) => from + index)

async function compare(map?: AreaMapEntry[], currency = 'JPY') {
  const table = await loadReferenceTable('jp-2009')
  return {
    table,
    comparison: compareWithReference({
      effects,
      currency,
      table,
      map: map ?? (await loadAreaMap()),
      mapFile: DEFAULT_AREA_MAP,
      ministries: await bundledMinistries(),
      registerAreas: new Set(['人事・給与等業務', '府省LAN', '個別業務']),
    }),
  }
}

describe('the estimate against jp-2009, by business area', () => {
  it('puts estimate and reference side by side, with ratios', async () => {
    const {comparison} = await compare()
    const personnel = comparison.byArea[0]
    expect(personnel).toMatchObject({
      referenceAreas: [{seq: 1, area: '人事‧薪資等業務', leadMinistry: '人事院‧總務省'}],
      areas: ['人事・給与等業務'],
      estimate: {cost: '1500', jointUse: '30', hours: '50'},
      reference: {cost: '1189160', jointUse: '73704', hours: '10500000'},
      // 1,500 ÷ 1,189,160 = 0.00126… ; 50 ÷ 10,500,000 = 0.0000048
      costRatio: '0.0013',
      hoursRatio: '0.0000',
      status: 'matched',
    })
  })

  it('compares the eighteen ministry LAN rows with the one 府省LAN area', async () => {
    const {comparison, table} = await compare()
    const lan = comparison.byArea.find((entry) => entry.areas.includes('府省LAN'))!
    expect(lan.referenceAreas.map((row) => row.seq)).toEqual(range(11, 28))
    expect(lan.estimate).toEqual({cost: '300', jointUse: null, hours: '10'})
    expect(lan.reference.cost).toBe(sumOf(table, range(11, 28), 'costReductionThousandYen'))
    expect(lan.reference.cost).toBe('4517982')
    expect(lan.costRatio).toBe(new Dec(300).dividedBy(4_517_982).toDecimalPlaces(4, Dec.ROUND_HALF_UP).toFixed(4))
  })

  it('joins one reference row mapped to three kasumi areas into one comparison', async () => {
    const {comparison} = await compare()
    const shared = comparison.byArea.find((entry) => entry.referenceAreas.some((row) => row.seq === 47))!
    expect(shared.areas).toEqual(['謝金・諸手当業務', '物品管理業務', '旅費業務'].sort((a, b) => a.localeCompare(b, 'ja')))
    expect(shared.notInRegister).toEqual(shared.areas)
    expect(shared.status).toBe('reference-only')
  })

  it('lists what the estimate leaves out and what it adds', async () => {
    const {comparison} = await compare()
    expect(comparison.unmappedAreas).toEqual(['個別業務'])
    expect(comparison.byArea.at(-1)).toMatchObject({
      referenceAreas: [],
      areas: ['個別業務'],
      estimate: {cost: '70', hours: '7'},
      reference: {cost: null, jointUse: null, hours: null},
      costRatio: null,
      status: 'estimate-only',
    })
    expect(comparison.leftOut).toContain('災害管理業務')
    expect(comparison.leftOut).not.toContain('人事‧薪資等業務')
    expect(comparison.unmappedReferenceAreas).toEqual([])
    const disaster = comparison.byArea.find((entry) => entry.areas.includes('災害管理業務'))!
    // A left-out area: no estimate (0), against the table's cost increase of 50,000.
    expect(disaster).toMatchObject({estimate: {cost: null}, reference: {cost: '-50000', hours: '0'}, costRatio: '0.0000', hoursRatio: null})
  })

  it('totals both sides', async () => {
    const {comparison} = await compare()
    expect(comparison.totals.estimate).toEqual({cost: '1870', jointUse: '30', hours: '67'})
    // Area rows of the table: 19,725,339 thousand yen, 23,784,770 hours (jp-2009 totals)
    expect(comparison.totals.reference.cost).toBe('19725339')
    expect(comparison.totals.reference.hours).toBe('23784770')
  })

  it('reports reference rows the map does not name', async () => {
    const map = (await loadAreaMap()).filter((entry) => entry.referenceArea !== '災害管理業務')
    const {comparison} = await compare(map)
    expect(comparison.unmappedReferenceAreas).toEqual([{seq: 3, area: '災害管理業務'}])
  })
})

describe('the estimate against jp-2009, by ministry', () => {
  it('matches ministries through the register, jointly owned rows as one', async () => {
    const {comparison, table} = await compare()
    const byLabel = new Map(comparison.byMinistry.map((entry) => [entry.codes.join('+'), entry]))
    // 人事‧薪資等業務 is led by 人事院‧總務省 jointly: npa's and mic's effects in that area count with it.
    expect(byLabel.get('npa+mic')).toMatchObject({
      label: '人事院・総務省',
      estimate: {cost: '1500', jointUse: '30', hours: '50'},
      reference: {cost: '1189160', jointUse: '73704', hours: '10500000'},
      status: 'matched',
    })
    // 內閣府LAN names 內閣官房 and 內閣府: cas's LAN counts with that row.
    expect(byLabel.get('cas+cao')).toMatchObject({label: '内閣官房・内閣府', estimate: {cost: '100'}, reference: {cost: '210000', hours: '1931'}})
    // mof: its LAN row (21) and the rows it leads without naming another ministry (36–40).
    const mof = byLabel.get('mof')!
    expect(mof.estimate).toEqual({cost: '200', jointUse: null, hours: '10'})
    expect(mof.reference.cost).toBe(sumOf(table, [21, 36, 37, 38, 39, 40], 'costReductionThousandYen'))
    expect(mof.costRatio).toBe(new Dec(200).dividedBy(mof.reference.cost!).toDecimalPlaces(4, Dec.ROUND_HALF_UP).toFixed(4))
    // mod's only effect is in an area the table does not have; its own row (28) is its LAN.
    expect(byLabel.get('mod')).toMatchObject({estimate: {cost: '70'}, reference: {cost: '347828'}})
    expect(comparison.unmatchedMinistries).toEqual([])
    // Ministries with rows in the table and nothing estimated are listed too.
    expect(byLabel.get('moj')).toMatchObject({estimate: {cost: null}, status: 'reference-only'})
  })

  it('names table ministries the register does not have', async () => {
    const table = await loadReferenceTable('jp-2009')
    const ministries = (await bundledMinistries()).filter((ministry) => ministry.code !== 'iha')
    const comparison = compareWithReference({
      effects,
      currency: 'JPY',
      table,
      map: await loadAreaMap(),
      mapFile: DEFAULT_AREA_MAP,
      ministries,
      registerAreas: new Set(),
    })
    expect(comparison.unmatchedMinistries).toMatchObject([{name: '宮內廳', rows: [14]}])
  })
})

describe('bad input', () => {
  it('locates a map line naming no row of the table', async () => {
    const dir = tempDir()
    const file = writeFile(dir, 'map.csv', csv('reference_area,area,note', '人事‧薪資等業務,人事・給与等業務,', '災害管理業種,災害管理業務,typo'))
    const map = await loadAreaMap(file)
    const table = await loadReferenceTable('jp-2009')
    let error: unknown
    try {
      compareWithReference({effects, currency: 'JPY', table, map, mapFile: file, ministries: await bundledMinistries(), registerAreas: new Set()})
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InvalidInputError)
    expect((error as InvalidInputError).exitCode).toBe(3)
    expect((error as InvalidInputError).issues).toEqual([
      {
        file,
        line: 3,
        column: '1 (reference_area)',
        value: '災害管理業種',
        message: 'no area row of jp-2009 is named this',
        hint: 'did you mean 災害管理業務?',
      },
    ])
  })

  it('refuses a pair given twice, and reads Japanese headers', async () => {
    const dir = tempDir()
    const file = writeFile(dir, 'map.csv', csv('参照業務,業務分野,備考', '災害管理業務,災害管理業務,', '災害管理業務,災害管理業務,again'))
    await expect(loadAreaMap(file)).rejects.toMatchObject({
      exitCode: 3,
      issues: [{file, line: 3, value: '災害管理業務', message: 'the same pair is on line 2 already'}],
    })
  })

  it('compares yen only', async () => {
    await expect(compare(undefined, 'USD')).rejects.toBeInstanceOf(UsageError)
  })
})
