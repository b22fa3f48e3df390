#!/usr/bin/env node
/**
 * Writes data/samples/digital-agency-budget.xlsx: a SYNTHETIC budget sheet of
 * デジタル庁 (the Digital Agency, created in 2021, after the 2009 table) laid
 * out as ministries publish budgets: a title with the money unit, a two-row
 * header with each fiscal year over 運用等経費 | 整備等経費 | 合計, a totals row
 * and a note. kasumi reads it into cost lines (`inventory import`). The
 * figures are invented; the same script always writes the same cells.
 *
 * Usage: node scripts/generate-digital-sample.js [--out FILE]
 */
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import ExcelJS from 'exceljs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const {values} = parseArgs({options: {out: {type: 'string', default: join(root, 'data', 'samples', 'digital-agency-budget.xlsx')}}})

const YEARS = ['令和4年度', '令和5年度', '令和6年度']
/** System, cost pool, then operations and development per year, in thousands of yen. */
const ROWS = [
  {
    id: 'DA-0001',
    pool: 'ハードウェア',
    years: [
      [52000, 0],
      [54000, 12000],
      [55000, 0],
    ],
  },
  {
    id: 'DA-0001',
    pool: '外部委託',
    years: [
      [31000, 0],
      [32500, 0],
      [33000, 0],
    ],
  },
  {
    id: 'DA-0002',
    pool: 'ソフトウェア',
    years: [
      [410000, 120000],
      [425000, 95000],
      [430000, 60000],
    ],
  },
  {
    id: 'DA-0002',
    pool: '通信',
    years: [
      [88000, 0],
      [90000, 0],
      [91500, 0],
    ],
  },
  {
    id: 'DA-0003',
    pool: 'ソフトウェア',
    years: [
      [126000, 40000],
      [128000, 0],
      [131000, 22000],
    ],
  },
  {
    id: 'DA-0004',
    pool: '外部委託',
    years: [
      [0, 210000],
      [180000, 90000],
      [205000, 0],
    ],
  },
]

const workbook = new ExcelJS.Workbook()
// A fixed date keeps the package byte-for-byte the same from run to run.
workbook.created = workbook.modified = new Date(Date.UTC(2024, 3, 1))
const sheet = workbook.addWorksheet('予算')
sheet.getCell('A1').value = 'デジタル庁 情報システム予算（合成データ・デモ用）'
sheet.getCell('A2').value = '（単位：千円）'
sheet.getRow(4).values = ['システムID', '費目', ...YEARS.flatMap((year) => [year, null, null])]
sheet.getRow(5).values = [null, null, ...YEARS.flatMap(() => ['運用等経費', '整備等経費', '合計'])]
sheet.mergeCells('A4:A5')
sheet.mergeCells('B4:B5')
YEARS.forEach((_, index) => sheet.mergeCells(4, 3 + index * 3, 4, 5 + index * 3))
const letter = (column) => String.fromCharCode(64 + column)
ROWS.forEach(({id, pool, years}, index) => {
  const row = 6 + index
  const cells = years.flatMap(([operations, development], year) => {
    const first = 3 + year * 3
    return [operations, development, {formula: `${letter(first)}${row}+${letter(first + 1)}${row}`, result: operations + development}]
  })
  sheet.getRow(row).values = [id, pool, ...cells]
})
const last = 5 + ROWS.length
const totals = YEARS.flatMap((_, year) =>
  [0, 1, 2].map((part) => {
    const column = letter(3 + year * 3 + part)
    const result = ROWS.reduce((sum, row) => sum + (part === 2 ? row.years[year][0] + row.years[year][1] : row.years[year][part]), 0)
    return {formula: `SUM(${column}6:${column}${last})`, result}
  }),
)
sheet.getRow(last + 1).values = ['合計', null, ...totals]
sheet.getRow(last + 3).values = ['※ 金額は当初予算。合成データであり、実際の予算ではない。']
for (let column = 3; column <= 2 + YEARS.length * 3; column++) sheet.getColumn(column).numFmt = '#,##0'
await workbook.xlsx.writeFile(values.out)
process.stdout.write(`wrote ${values.out}\n`)
