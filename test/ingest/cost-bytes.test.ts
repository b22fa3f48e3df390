import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import type {InputIssue} from '../../src/domain/errors.js'
import {CostBytes} from '../../src/ingest/cost-bytes.js'
import {readCsv} from '../../src/ingest/csv.js'
import {costsKind, type BuildContext} from '../../src/ingest/kinds.js'
import {ReadState, buildContext, type ReadOptions, type StoreFacts} from '../../src/ingest/read-state.js'
import {readRows, type CostBatch, type CostRows} from '../../src/ingest/rows.js'
import {CostLinePacker, unpackCostLines} from '../../src/store/repositories/cost-pack.js'
import {RowReader, resolveHeader} from '../../src/ingest/table.js'
import {tempDir} from '../inventory/helpers.js'

const STORED = ['MIC-0001', 'MIC-0002', 'CAS-0001', 'ｍｉｃ-0003', 'a', 'MIC-0003']
const facts: StoreFacts = {ministries: [], systemIds: STORED}
const options: ReadOptions = {encoding: 'auto', calendar: 'gregorian'}

/** Cells of every kind a cost-line file holds: plain codes and numbers, other notations, and mistakes. */
const cell = {
  systemId: fc.constantFrom(
    'MIC-0001',
    'MIC-0002',
    'CAS-0001',
    'MIC-9999',
    '',
    ' MIC-0001',
    'MIC 0001',
    "'MIC-0001",
    'ＭＩＣ-0001',
    'a',
    'x'.repeat(65),
  ),
  year: fc.constantFrom('2009', '2012', '1899', '2101', 'FY2010', '2009年度', '平成21年度', 'H21', '98', '', '-', 'abc', ' 2009', '２００９'),
  pool: fc.constantFrom('hardware', 'software', 'internal-labor', 'Internal Labor', 'internal_labor', 'ハードウェア', 'hw', '', 'bogus', 'cloud'),
  spendType: fc.constantFrom('operations', 'development', '運用', '', 'x', 'Development'),
  frequency: fc.constantFrom('recurring', 'one-time', 'once', '', '経常', 'weekly'),
  amount: fc.oneof(
    fc.bigInt({min: -(10n ** 19n), max: 10n ** 19n}).map(String),
    fc.constantFrom('0', '-0', '007', '1,000', '1,00', '△500', '(500)', '¥1,000', '1000円', '1.50', '', '-', 'N/A', 'abc', '１２３'),
  ),
  currency: fc.constantFrom('JPY', 'USD', 'TWD', 'jpy', '円', 'US$', '', 'XXXX', 'ab'),
  note: fc.oneof(
    fc.constantFrom('', ' ', '新規開発', 'note', "'=SUM(A1)", 'x'.repeat(1001), 'a\u0001b', '\u3000'),
    fc.string({maxLength: 12}).map((text) => text.replace(/[,"\r\n]/g, '')),
  ),
}
const record = fc.tuple(cell.systemId, cell.year, cell.pool, cell.spendType, cell.frequency, cell.amount, cell.currency, cell.note)

/** The headers a file may have: every column, some absent, others in another order, a unit, an unknown column. */
const HEADERS = [
  ['system_id', 'fiscal_year', 'pool', 'spend_type', 'frequency', 'amount', 'currency', 'note'],
  ['amount', 'note', 'system_id', 'pool', 'fiscal_year'],
  ['システムID', '年度', '費目', '経費', '通貨'],
  ['system_id', 'fiscal_year', 'pool', 'amount（千円）'],
] as const
const FIELDS = ['system_id', 'fiscal_year', 'pool', 'spend_type', 'frequency', 'amount', 'currency', 'note']
/** A record's cell for a header name (by the field it stands for). */
function cellFor(header: string, values: readonly string[]): string {
  const field =
    {システムID: 'system_id', 年度: 'fiscal_year', 費目: 'pool', 経費: 'amount', 通貨: 'currency', 'amount（千円）': 'amount'}[header] ?? header
  return values[FIELDS.indexOf(field)]
}

/** A batch's lines as flat values. */
const flat = (batch: CostBatch): CostRows => ('packed' in batch ? unpackCostLines(batch) : batch)

/** The lines `take` gives for one record, as flat values (none when it leaves the record). */
function taken(plain: CostBytes, bytes: Buffer, start: number, end: number): {taken: boolean; rows: CostRows} {
  const packer = new CostLinePacker(1)
  const took = plain.take(bytes, start, end, packer)
  return {taken: took, rows: flat(packer.take())}
}

function context(): BuildContext {
  return buildContext('costs.csv', options, facts)
}

describe('cost lines from the bytes of plain records', () => {
  it('gives the record costsKind.build gives, for every record whose cells all read, and takes every plain one', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HEADERS), fc.array(record, {minLength: 1, maxLength: 30}), (header, records) => {
        const columns = resolveHeader('costs.csv', 1, [...header], costsKind.fields).columns
        const shared = context()
        const plain = CostBytes.for(columns, header.length, shared)
        if (header.some((name) => name.includes('千円'))) {
          expect(plain).toBeUndefined()
          return
        }
        expect(plain).toBeDefined()
        records.forEach((values, index) => {
          const cells = header.map((name) => cellFor(name, values))
          const line = index + 2
          const issues: InputIssue[] = []
          const built = costsKind.build(new RowReader('costs.csv', columns, issues, costsKind.fields).reset(cells, line), {...context(), issues})
          const bytes = Buffer.from(`#${cells.join(',')}#`)
          const {taken: took, rows} = taken(plain!, bytes, 1, bytes.length - 1)
          if (took) {
            expect(issues).toEqual([])
            expect(built).toBeDefined()
            expect(rows).toEqual([
              built!.systemId,
              built!.fiscalYear,
              built!.pool,
              built!.spendType,
              built!.frequency,
              built!.amount,
              built!.currency,
              built!.note,
            ])
          } else {
            expect(rows).toEqual([])
          }
          // Canonical values (as kasumi's own export writes them) are always taken.
          const canonical = /^(?:0|-?[1-9]\d{0,17})$/.test(values[5]) && !/^\s|\s$/.test(values[7]) && values[7] !== "'=SUM(A1)"
          if (
            built !== undefined &&
            canonical &&
            cells.join('').length === Buffer.byteLength(cells.join('')) &&
            /^[A-Z]{3}$/.test(cellFor('currency', values) ?? 'JPY')
          )
            expect(took).toBe(true)
        })
      }),
      {numRuns: 300},
    )
  })

  it('leaves a record with another number of fields to the general reader', () => {
    const columns = resolveHeader('costs.csv', 1, [...HEADERS[0]], costsKind.fields).columns
    const plain = CostBytes.for(columns, 8, context())!
    for (const text of ['MIC-0001,2009,hardware,operations,recurring,1,JPY', 'MIC-0001,2009,hardware,operations,recurring,1,JPY,,', 'MIC-0001']) {
      expect(taken(plain, Buffer.from(text), 0, text.length)).toEqual({taken: false, rows: []})
    }
  })
})

/** What readRows gave before it read bytes: every record split from decoded text and built by costsKind.build. */
async function readAsText(
  file: string,
): Promise<{rows: CostRows; issues: InputIssue[]; structural: InputIssue[]; warnings: InputIssue[]; records: number}> {
  const state = new ReadState(file, options, buildContext(file, options, facts))
  const rows: CostRows = []
  const result = await readCsv(
    {file, encoding: options.encoding},
    {
      header: (cells, line) => state.onHeader(cells, line),
      record(cells, line) {
        const built = state.build(cells, line) as
          | {
              systemId: string
              fiscalYear: number
              pool: string
              spendType: string
              frequency: string
              amount: string
              currency: string
              note: string | null
            }
          | undefined
        if (built === undefined || state.issues.length > 0) return
        rows.push(built.systemId, built.fiscalYear, built.pool, built.spendType, built.frequency, built.amount, built.currency, built.note)
      },
      shouldStop: () => state.full,
    },
    {maxIssues: state.maxIssues},
  )
  return {rows, issues: state.issues, structural: result.issues, warnings: [...result.warnings, ...state.warnings], records: result.records}
}

describe('reading a cost-line file as bytes', () => {
  const line = fc.oneof(
    {weight: 8, arbitrary: record.map((values) => values.join(','))},
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        'MIC-0001,2009',
        '"MIC-0001",2009,hardware,operations,recurring,"1,000",JPY,"a\nb"',
        'MIC-0001,2009,hardware,operations,recurring,1,JPY,\u202eevil',
        'MIC-0001,2009,hardware,operations,recurring,1,JPY,\u0000',
        'MIC-0001,2009,hardware,operations,recurring,1,JPY,\ufffd',
      ),
    },
  )

  it('gives the same lines, issues, warnings and records as reading decoded text, whatever the file holds', async () => {
    const dir = tempDir()
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, {minLength: 0, maxLength: 40}),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom<Buffer>(Buffer.alloc(0), Buffer.from([0xff, 0x0a]), Buffer.from([0xe3, 0x81])),
        async (lines, end, bom, lastEnded, tail) => {
          const text = [FIELDS.join(','), ...lines].join(end) + (lastEnded ? end : '')
          const file = join(dir, `costs-${run++}.csv`)
          writeFileSync(file, Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text), tail]))
          const expected = await readAsText(file)
          const batches: CostRows[] = []
          const outcome = await readRows(file, options, facts, {costs: (rows) => void batches.push(flat(rows))})
          // Lines reach the store only from a file without problems.
          if (expected.issues.length === 0 && expected.structural.length === 0) expect(batches.flat()).toEqual(expected.rows)
          expect(outcome.issues).toEqual(expected.issues)
          expect(outcome.structural).toEqual(expected.structural)
          expect(outcome.warnings).toEqual(expected.warnings)
          expect(outcome.records).toBe(expected.records)
        },
      ),
      {numRuns: 150},
    )
  })

  it('reads a large file in many chunks, non-ASCII text among them, as decoded text reads it', async () => {
    const dir = tempDir()
    const lines = [FIELDS.join(',')]
    for (let index = 0; index < 60_000; index++) {
      const note = index % 26 === 0 ? '新規開発' : index % 997 === 0 ? 'note' : ''
      lines.push(`${STORED[index % 3]},${2006 + (index % 7)},hardware,operations,recurring,${index * 1000},JPY,${note}`)
    }
    // A mistake deep in the file, after many chunks: the same issue, line and column either way.
    lines[45_000] = lines[45_000].replace('hardware', 'hardwear')
    const file = join(dir, 'big.csv')
    writeFileSync(file, lines.join('\n') + '\n')
    const expected = await readAsText(file)
    const outcome = await readRows(file, options, facts, {costs() {}})
    expect(expected.issues).toHaveLength(1)
    expect(outcome.issues).toEqual(expected.issues)
    lines[45_000] = lines[45_000].replace('hardwear', 'hardware')
    writeFileSync(file, lines.join('\n') + '\n')
    const batches: CostRows[] = []
    await readRows(file, options, facts, {costs: (rows) => void batches.push(flat(rows))})
    expect(batches.flat()).toEqual((await readAsText(file)).rows)
    expect(batches.flat()).toHaveLength(60_000 * 8)
    // A bidirectional control, then a quoted cell (csv-parse reads the rest), many chunks in.
    lines[30_000] += '\u202eevil'
    lines[50_000] = lines[50_000].replace(/,$/, ',"a, ""quoted"" note"')
    writeFileSync(file, lines.join('\n') + '\n')
    batches.length = 0
    const withBoth = await readRows(file, options, facts, {costs: (rows) => void batches.push(flat(rows))})
    const asText = await readAsText(file)
    expect(withBoth.warnings).toEqual(asText.warnings)
    expect(withBoth.warnings).toHaveLength(1)
    expect(batches.flat()).toEqual(asText.rows)
    expect(batches.flat()).toContain('a, "quoted" note')
  })
})
