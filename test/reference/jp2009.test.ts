import {copyFileSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {InvalidInputError, NotFoundError} from '../../src/domain/errors.js'
import {REFERENCE_DIR} from '../../src/platform/paths.js'
import {
  byArea,
  byImplementingMinistry,
  byLeadMinistry,
  computeTotals,
  loadReferenceFrom,
  loadReferenceTable,
  referenceIds,
  type ReferenceRow,
  type Totals,
} from '../../src/reference/jp2009.js'
import {tempDir} from '../support/cli.js'

const CSV_FILE = join(REFERENCE_DIR, 'jp-2009.csv')
const META_FILE = join(REFERENCE_DIR, 'jp-2009.meta.json')
const HEADER = 'seq,kind,lead_ministry,implementing_ministry,area,cost_reduction_thousand_yen,cost_year,hours_reduction,hours_year,note'

/** A minimal CSV reader for the test, independent of src/ingest: quoted cells, doubled quotes, no line breaks in cells. */
function csvRecords(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const cells: string[] = []
      let cell = ''
      let quoted = false
      for (let index = 0; index < line.length; index++) {
        const char = line[index]
        if (quoted) {
          if (char === '"' && line[index + 1] === '"') {
            cell += '"'
            index++
          } else if (char === '"') quoted = false
          else cell += char
        } else if (char === '"') quoted = true
        else if (char === ',') {
          cells.push(cell)
          cell = ''
        } else cell += char
      }
      cells.push(cell)
      return cells
    })
}

const csvText = readFileSync(CSV_FILE, 'utf8')
const [header, ...records] = csvRecords(csvText)
const bigintSum = (kind: string, column: number) =>
  records.filter((cells) => cells[1] === kind && cells[column] !== '').reduce((total, cells) => total + BigInt(cells[column].replace(/,/g, '')), 0n)

/** Rows checked by hand against 附表一 of the seed document. */
const SPOT_CHECKS: Array<Partial<ReferenceRow> & {seq: number}> = [
  {
    seq: 1,
    kind: 'area',
    leadMinistry: '人事院‧總務省',
    implementingMinistries: [],
    area: '人事‧薪資等業務',
    costReductionThousandYen: '1189160',
    costYear: 2013,
    hoursReduction: '10500000',
    hoursYear: 2013,
  },
  {
    seq: 2,
    kind: 'joint-use',
    leadMinistry: '人事院‧總務省',
    area: '＊共同利用化的效果',
    costReductionThousandYen: '73704',
    costYear: null,
    hoursReduction: null,
    hoursYear: null,
    belongsTo: 1,
  },
  {
    seq: 3,
    kind: 'area',
    leadMinistry: '內閣府',
    area: '災害管理業務',
    costReductionThousandYen: '-50000',
    costYear: 2006,
    hoursReduction: '0',
    hoursYear: null,
  },
  {
    seq: 8,
    kind: 'joint-use',
    leadMinistry: '總務省',
    area: '＊共同利用化的效果（當中電子政府的總合窗口（e-Gov））',
    costReductionThousandYen: '74046',
    costYear: 2013,
    hoursReduction: null,
    belongsTo: 7,
  },
  {
    seq: 10,
    kind: 'area',
    leadMinistry: '總務省',
    area: '共通作業系統（政府認証）',
    implementingMinistries: [],
    costReductionThousandYen: '781523',
    costYear: null,
    hoursReduction: '3046',
    hoursYear: 2009,
  },
  {
    seq: 13,
    kind: 'area',
    leadMinistry: '總務省',
    implementingMinistries: ['內閣官房', '內閣府'],
    area: '內閣府LAN',
    costReductionThousandYen: '210000',
    costYear: 2009,
    hoursReduction: '1931',
    hoursYear: 2008,
  },
  {
    seq: 15,
    kind: 'area',
    implementingMinistries: ['公取委'],
    area: '公正取締委員會內網絡',
    costReductionThousandYen: '4932',
    costYear: 2009,
    hoursReduction: '75',
    hoursYear: 2009,
  },
  {
    seq: 33,
    kind: 'joint-use-summary',
    leadMinistry: '總務省',
    area: '共同利用系統',
    costReductionThousandYen: null,
    costYear: null,
    hoursReduction: null,
    hoursYear: null,
    note: '＊共同利用相關經費（實施前2,475,877，實施後2,082,918，削減經費392,959）為，1.人事費、2.電子申請‧提供、3.文書管理、4.職員認証、5.調解業務、6.旅費等業務總計',
  },
  {
    seq: 34,
    kind: 'area',
    leadMinistry: '總務省',
    area: '調解業務',
    costReductionThousandYen: '58377',
    costYear: 2013,
    hoursReduction: '251084',
    hoursYear: 2012,
  },
  {
    seq: 40,
    kind: 'area',
    leadMinistry: '財務省',
    implementingMinistries: ['財務省'],
    area: '關稅業務（含國際郵件事務電算處理作業系統）',
    costReductionThousandYen: '2966056',
    costYear: 2011,
    hoursReduction: '570930',
    hoursYear: 2011,
  },
  {
    seq: 42,
    kind: 'area',
    leadMinistry: '財務省',
    implementingMinistries: ['厚生勞働省'],
    area: '檢疫業務',
    costReductionThousandYen: '-119543',
    costYear: 2010,
    hoursReduction: '17028',
    hoursYear: 2014,
  },
  {
    seq: 46,
    kind: 'area',
    leadMinistry: '文部科學省',
    area: '研究開發管理業務',
    costReductionThousandYen: '434636',
    costYear: 2009,
    hoursReduction: '278200',
    hoursYear: 2008,
  },
  {
    seq: 47,
    kind: 'area',
    leadMinistry: '經濟產業省',
    area: '物品管理業務／禮金‧各補助業務／旅費業務',
    costReductionThousandYen: '129414',
    costYear: 2013,
    hoursReduction: '9045536',
    hoursYear: 2013,
  },
  {seq: 48, kind: 'joint-use', leadMinistry: '經濟產業省', costReductionThousandYen: '37008', belongsTo: 47},
  {
    seq: 49,
    kind: 'area',
    leadMinistry: '國土交通省',
    implementingMinistries: [],
    area: '公共事業支援系統（含官方營運業務）',
    costReductionThousandYen: '1931000',
    costYear: 2010,
    hoursReduction: '4056',
    hoursYear: 2010,
  },
]

function copyToTemp(edit: (csv: string) => string = (csv) => csv): string {
  const folder = tempDir('kasumi-reference-')
  copyFileSync(META_FILE, join(folder, 'jp-2009.meta.json'))
  writeFileSync(join(folder, 'jp-2009.csv'), edit(csvText))
  return folder
}

describe('data/reference/jp-2009.csv', () => {
  it('is UTF-8 without a BOM, with the English header', () => {
    expect(readFileSync(CSV_FILE)[0]).not.toBe(0xef)
    expect(csvText.split('\n')[0]).toBe(HEADER)
    expect(header).toEqual(HEADER.split(','))
  })

  it('keeps the published thousands separators as text', () => {
    expect(csvText).toContain('\n1,area,人事院‧總務省,,人事‧薪資等業務,')
    expect(csvText).toContain('"1,189,160",2013,"10,500,000",2013')
    expect(csvText).toContain('"-50,000",2006,0,,')
    expect(csvText).toContain('"-119,543",2010,"17,028",2014')
  })

  it('has every row of the table, numbered in order', () => {
    expect(records).toHaveLength(49)
    expect(records.map((cells) => Number(cells[0]))).toEqual(Array.from({length: 49}, (_, index) => index + 1))
    expect(records.filter((cells) => cells[1] === 'area')).toHaveLength(42)
    expect(records.filter((cells) => cells[1] === 'joint-use')).toHaveLength(6)
    expect(records.filter((cells) => cells[1] === 'joint-use-summary')).toHaveLength(1)
    expect(records.every((cells) => cells.length === 10)).toBe(true)
  })
})

describe('loading jp-2009', async () => {
  const table = await loadReferenceTable('jp-2009')

  it('reads 49 rows in table order with their meta', () => {
    expect(table.rows).toHaveLength(49)
    expect(table.rows.map((row) => row.seq)).toEqual(Array.from({length: 49}, (_, index) => index + 1))
    expect(table.meta.id).toBe('jp-2009')
    expect(table.meta.published).toBe('2009-08-31')
    expect(table.meta.estimate).toBe(true)
    expect(table.meta.footnote).toBe('補助金額的比率業務不列入此範圍之內')
    expect(table.meta.jointUseSummary).toMatchObject({before: '2475877', after: '2082918', reduction: '392959'})
    expect(table.meta.jointUseSummary.businesses).toEqual(['人事費', '電子申請‧提供', '文書管理', '職員認証', '調解業務', '旅費等業務'])
  })

  it.each(SPOT_CHECKS)('row $seq matches the published table', (expected) => {
    expect(table.rows[expected.seq - 1]).toMatchObject(expected)
  })

  it('fills the lead ministry down each group', () => {
    const leads = [...new Set(table.rows.map((row) => row.leadMinistry))]
    expect(leads).toEqual(['人事院‧總務省', '內閣府', '總務省', '財務省', '文部科學省', '經濟產業省', '國土交通省'])
    expect(table.rows.slice(3, 35).every((row) => row.leadMinistry === '總務省')).toBe(true)
    expect(table.rows.slice(35, 45).every((row) => row.leadMinistry === '財務省')).toBe(true)
  })

  it('has totals equal to sums of the CSV text computed independently', () => {
    const totals = computeTotals(table.rows)
    expect(totals.costReductionThousandYen).toBe(bigintSum('area', 5).toString())
    expect(totals.jointUseThousandYen).toBe(bigintSum('joint-use', 5).toString())
    expect(totals.hoursReduction).toBe(bigintSum('area', 7).toString())
    expect(totals).toEqual({costReductionThousandYen: '19725339', jointUseThousandYen: '392959', hoursReduction: '23784770'})
  })

  it('passes the joint-use checks (392,959 = 實施前 − 實施後)', () => {
    expect(bigintSum('joint-use', 5)).toBe(392_959n)
    expect(2_475_877n - 2_082_918n).toBe(392_959n)
    expect(table.checks.map((check) => [check.id, check.ok])).toEqual([
      ['joint-use-rows-sum', true],
      ['summary-before-minus-after', true],
      ['summary-text-matches-metadata', true],
      ['joint-use-row-per-business', true],
    ])
    expect(table.checks[0]).toMatchObject({expected: '392959', actual: '392959'})
    expect(table.checks[1]).toMatchObject({expected: '392959', actual: '392959'})
  })

  it('groups by lead ministry and by implementing ministry into subtotals that add up to the totals', () => {
    const totals = computeTotals(table.rows)
    for (const groups of [byLeadMinistry(table), byImplementingMinistry(table)]) {
      const add = (pick: (subtotals: Totals) => string) => groups.reduce((sum, group) => sum + BigInt(pick(group.totals)), 0n).toString()
      expect(add((t) => t.costReductionThousandYen)).toBe(totals.costReductionThousandYen)
      expect(add((t) => t.jointUseThousandYen)).toBe(totals.jointUseThousandYen)
      expect(add((t) => t.hoursReduction)).toBe(totals.hoursReduction)
      expect(groups.flatMap((group) => group.areaRows).sort((a, b) => a - b)).toEqual(
        table.rows.filter((row) => row.kind === 'area').map((row) => row.seq),
      )
    }
    const lead = byLeadMinistry(table)
    expect(lead.map((group) => group.ministries[0])).toEqual([
      '人事院‧總務省',
      '內閣府',
      '總務省',
      '財務省',
      '文部科學省',
      '經濟產業省',
      '國土交通省',
    ])
    expect(lead.find((group) => group.ministries[0] === '總務省')!.areaRows).toHaveLength(27)
    const implementing = byImplementingMinistry(table)
    expect(implementing.find((group) => group.ministries.join(';') === '內閣官房;內閣府')!.totals.costReductionThousandYen).toBe('210000')
    expect(implementing.find((group) => group.ministries.join(';') === '厚生勞働省')!.totals.costReductionThousandYen).toBe(
      String(932_500 + 75_823 - 119_543),
    )
    expect(implementing.at(-1)!.ministries).toEqual([])
  })

  it('gives one line per area row with its joint-use effect attached', () => {
    const areas = byArea(table)
    expect(areas).toHaveLength(42)
    expect(areas.find((line) => line.seq === 7)).toMatchObject({area: '行政情報的電子化提供業務', jointUseThousandYen: '74046', jointUseRows: [8]})
    expect(areas.find((line) => line.seq === 47)).toMatchObject({jointUseThousandYen: '37008', jointUseRows: [48]})
    expect(areas.find((line) => line.seq === 49)).toMatchObject({jointUseThousandYen: null, jointUseRows: []})
    expect(areas.reduce((sum, line) => sum + BigInt(line.jointUseThousandYen ?? '0'), 0n)).toBe(392_959n)
  })
})

describe('the loader', () => {
  it('finds tables from data/reference/*.meta.json', async () => {
    expect(await referenceIds()).toEqual(['jp-2009'])
  })

  it('reads the CSV through readAll: a bad cell gives an InvalidInputError with line and column', async () => {
    const folder = copyToTemp((csv) => csv.replace('"1,189,160"', '"11,89,160"'))
    const error = await loadReferenceFrom(folder).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InvalidInputError)
    const issues = (error as InvalidInputError).issues
    expect(issues[0]).toMatchObject({
      file: join(folder, 'jp-2009.csv'),
      line: 2,
      column: '6 (cost_reduction_thousand_yen)',
      value: '11,89,160',
      message: 'misplaced thousands separator',
    })
  })

  it('takes a CSV file path too, with its .meta.json beside it', async () => {
    const folder = copyToTemp((csv) => csv.replace('2009,"1,931",2008', '2009,"1,931",H20'))
    const table = await loadReferenceFrom(join(folder, 'jp-2009.csv'))
    expect(table.rows[12]).toMatchObject({area: '內閣府LAN', hoursYear: 2008})
  })

  it('rejects rows out of order and joint-use rows without an area row above', async () => {
    const swapped = copyToTemp((csv) => csv.replace('\n2,joint-use,', '\n7,joint-use,'))
    const outOfOrder = (await loadReferenceFrom(swapped).catch((caught: unknown) => caught)) as InvalidInputError
    expect(outOfOrder.issues[0]).toMatchObject({line: 3, column: '1 (seq)'})
    const orphan = copyToTemp((csv) =>
      csv
        .replace('\n1,area,人事院‧總務省,,人事‧薪資等業務,"1,189,160",2013,"10,500,000",2013,', '')
        .replace(/\n(\d+),/g, (_, seq) => `\n${Number(seq) - 1},`),
    )
    const orphaned = (await loadReferenceFrom(orphan).catch((caught: unknown) => caught)) as InvalidInputError
    expect(orphaned.issues[0]).toMatchObject({line: 2, message: 'a joint-use row must follow the area row it belongs to'})
  })

  it('still loads when a check fails, and reports the failure', async () => {
    const folder = copyToTemp((csv) => csv.replace('"73,704"', '"73,705"'))
    const table = await loadReferenceFrom(folder)
    expect(table.checks.find((check) => check.id === 'joint-use-rows-sum')).toMatchObject({ok: false, expected: '392959', actual: '392960'})
    expect(table.checks.find((check) => check.id === 'summary-before-minus-after')!.ok).toBe(true)
  })

  it('names the available ids for an unknown id', async () => {
    const error = await loadReferenceTable('jp-2010').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NotFoundError)
    expect((error as NotFoundError).message).toContain('jp-2009')
  })
})
