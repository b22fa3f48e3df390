#!/usr/bin/env node
/**
 * Writes the SYNTHETIC workbook sample of the administrative project review's
 * budget sheet (行政事業レビュー 予算額・執行額) that data/mappings/gyosei-review-budget.yaml
 * reads: a title row, the unit above the header, amounts in millions of yen
 * with △ for negatives, a totals row and a note below the table. Project names
 * are plausible, every figure is invented.
 *
 * Usage: node scripts/layout-samples.js [--out DIR]
 */
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import ExcelJS from 'exceljs'

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const {values} = parseArgs({options: {out: {type: 'string', default: join(PACKAGE_ROOT, 'data', 'samples')}}})

// 事業番号, 事業名, 府省庁, 予算年度, 当初予算, 補正予算, 前年度から繰越し, 翌年度へ繰越し (百万円)
const PROJECTS = [
  ['R5-MIC-0021', '政府共通プラットフォーム運用事業', '総務省', 2022, 4210.5, 320, 0, -150.2],
  ['R5-MIC-0021', '政府共通プラットフォーム運用事業', '総務省', 2023, 4388.1, 0, 150.2, 0],
  ['R5-MOF-0007', '電子申告基盤整備事業', '財務省', 2022, 1875.25, 0, 12.4, -30],
  ['R5-MOF-0007', '電子申告基盤整備事業', '財務省', 2023, 1902.7, 210.3, 30, 0],
  ['R5-METI-0113', '行政手続オンライン化推進事業', '経済産業省', 2023, 655.8, 48.9, 0, -22.6],
]

const workbook = new ExcelJS.Workbook()
workbook.created = new Date(Date.UTC(2023, 8, 1))
workbook.modified = workbook.created
const sheet = workbook.addWorksheet('予算額・執行額')
sheet.getCell('A1').value = '令和5年 行政事業レビュー 予算額・執行額（合成データ）'
sheet.getCell('I2').value = '（単位：百万円）'
sheet.getRow(4).values = [
  '事業番号',
  '事業名',
  '府省庁',
  '予算年度',
  '当初予算',
  '補正予算',
  '前年度から繰越し',
  '翌年度へ繰越し',
  '計',
  '執行額',
  '執行率',
]
let row = 5
for (const [id, name, ministry, year, initial, supplementary, carriedIn, carriedOut] of PROJECTS) {
  const total = Math.round((Number(initial) + Number(supplementary) + Number(carriedIn) + Number(carriedOut)) * 100) / 100
  const spent = Math.round(total * 0.93 * 10) / 10
  sheet.getRow(row).values = [id, name, ministry, `${year}年度`, initial, supplementary, carriedIn, carriedOut, total, spent, spent / total]
  for (const column of ['E', 'F', 'G', 'H', 'I', 'J']) sheet.getCell(`${column}${row}`).numFmt = '#,##0.0;"△"#,##0.0'
  sheet.getCell(`K${row}`).numFmt = '0.0%'
  row++
}
sheet.getRow(row).values = ['合計', null, null, null, {formula: `SUM(E5:E${row - 1})`, result: 13032.35}]
sheet.getRow(row + 2).values = ['※ 計＝当初予算＋補正予算＋前年度から繰越し＋翌年度へ繰越し（△は減額）']
await workbook.xlsx.writeFile(join(values.out, 'gyosei-review-budget.xlsx'))
process.stdout.write(`Wrote ${join(values.out, 'gyosei-review-budget.xlsx')}\n`)
