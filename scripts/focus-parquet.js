#!/usr/bin/env node
// Writes a FOCUS CSV file as Parquet, the way cloud providers export it:
// date/times as UTC timestamps, costs and quantities as DOUBLE, the rest as
// UTF-8 strings; row groups of 100 000 rows, written as they fill.
//   node scripts/focus-parquet.js data/samples/focus.csv data/samples/focus.parquet
import {createReadStream} from 'node:fs'

import {parse} from 'csv-parse'
import {ParquetWriter, fileWriter, schemaFromColumnData} from 'hyparquet-writer'

const TIMES = new Set(['BillingPeriodStart', 'BillingPeriodEnd', 'ChargePeriodStart', 'ChargePeriodEnd'])
const NUMBERS = new Set([
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'ContractedCost',
  'PricingQuantity',
  'ConsumedQuantity',
  'ListUnitPrice',
  'ContractedUnitPrice',
])
const GROUP = 100_000

/** @param {string} name @param {string} cell */
function value(name, cell) {
  if (cell === '') return null
  if (TIMES.has(name)) return new Date(cell)
  if (NUMBERS.has(name)) return Number(cell)
  return cell
}

/** @param {string} source @param {string} target */
export async function focusCsvToParquet(source, target) {
  /** @type {string[] | undefined} */
  let header
  /** @type {unknown[][]} */
  let columns = []
  /** @type {ParquetWriter | undefined} */
  let writer
  /** @param {string} name @returns {'TIMESTAMP' | 'DOUBLE' | 'STRING'} */
  const typeOf = (name) => (TIMES.has(name) ? 'TIMESTAMP' : NUMBERS.has(name) ? 'DOUBLE' : 'STRING')
  const flush = () => {
    if (!header || columns[0].length === 0) return
    const columnData = header.map((name, index) => ({name, data: columns[index], type: typeOf(name)}))
    writer ??= new ParquetWriter({writer: fileWriter(target), schema: schemaFromColumnData({columnData})})
    writer.write({columnData, rowGroupSize: GROUP})
    columns = header.map(() => [])
  }
  for await (const record of createReadStream(source).pipe(parse({bom: true}))) {
    if (!header) {
      header = record
      columns = record.map(() => [])
      continue
    }
    for (let index = 0; index < record.length; index++) columns[index].push(value(header[index], record[index]))
    if (columns[0].length >= GROUP) flush()
  }
  flush()
  writer?.finish()
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const [source, target] = process.argv.slice(2)
  if (!source || !target) {
    console.error('usage: node scripts/focus-parquet.js FOCUS.csv FOCUS.parquet')
    process.exit(2)
  }
  await focusCsvToParquet(source, target)
}
