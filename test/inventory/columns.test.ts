import {parse} from 'csv-parse/sync'
import fc from 'fast-check'
import {beforeAll, describe, expect, it} from 'vitest'

import type {InputIssue} from '../../src/domain/errors.js'
import {MAX_FISCAL_YEAR, MIN_FISCAL_YEAR} from '../../src/domain/fiscal-year.js'
import {CATEGORIES, COST_POOLS, STATUSES, type CostLine, type SystemRecord} from '../../src/domain/inventory.js'
import {MinistryIndex} from '../../src/domain/ministry-index.js'
import {costsKind, systemsKind, type BuildContext, type TableKind} from '../../src/ingest/kinds.js'
import {RowReader, resolveHeader} from '../../src/ingest/table.js'
import {COST_EXPORT_COLUMNS, SYSTEM_EXPORT_COLUMNS} from '../../src/inventory/columns.js'
import {bundledMinistries} from '../../src/reference/ministries.js'
import {csvHeader, csvRow, type CsvColumn} from '../../src/format/csv.js'

let ministries: MinistryIndex

beforeAll(async () => {
  ministries = new MinistryIndex(await bundledMinistries())
})

/** Writes records as the export does, then reads the text back as an import does. */
function roundTrip<R>(kind: TableKind<R>, columns: ReadonlyArray<CsvColumn<R>>, records: R[]): {records: Array<R | undefined>; issues: InputIssue[]} {
  const text = csvHeader(columns as ReadonlyArray<CsvColumn<unknown>>) + records.map((record) => csvRow(columns, record)).join('')
  const [header, ...rows] = parse(text) as string[][]
  const issues: InputIssue[] = []
  const resolved = resolveHeader('export.csv', 1, header, kind.fields)
  const context: BuildContext = {file: 'export.csv', calendar: 'gregorian', ministries, storedSystemIds: null, seenIds: new Map(), issues}
  const reader = new RowReader('export.csv', resolved.columns, issues)
  return {records: rows.map((cells, index) => kind.build(reader.reset(cells, index + 2), context)), issues: [...resolved.issues, ...issues]}
}

/** Text as kasumi stores it: trimmed, not empty, no control characters other than line breaks. */
const storedText = (maxLength: number) =>
  fc
    .string({
      unit: fc.oneof(
        fc.constantFrom('=', '+', '-', '@', '"', ',', ';', '\n', ' ', "'", '△', '（', '）'),
        fc.string({minLength: 1, maxLength: 1}),
        fc.constantFrom('総', '務', '省', '系', '統', 'ｶ'),
      ),
      minLength: 1,
      maxLength,
    })
    // A value that itself begins with an apostrophe and a formula sign does not survive (see round-trip.test.ts).
    .filter((text) => text === text.trim() && text !== '' && !/[^\P{Cc}\t\n\r\u007f-\u009f]/u.test(text) && !/^'[=+\-@\t\r]/.test(text))

const id = fc.tuple(fc.constantFrom('', '=', '+', '-', '@'), fc.stringMatching(/^[A-Z]{2,5}-[0-9]{1,6}$/)).map(([sign, body]) => `${sign}${body}`)
const tag = fc.tuple(fc.constantFrom('', '=', '+', '-', '@'), fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/)).map(([sign, body]) => `${sign}${body}`)
const decimal = (max: number) =>
  fc
    .tuple(fc.integer({min: 0, max}), fc.integer({min: 0, max: 99}))
    .map(([whole, hundredths]) => (hundredths === 0 ? String(whole) : `${whole}.${String(hundredths).padStart(2, '0')}`.replace(/0$/, '')))
const count = fc.option(fc.integer({min: 0, max: 1_000_000}), {nil: null})

const system: fc.Arbitrary<SystemRecord> = fc
  .record({
    id,
    ministry: fc.constantFrom('mic', 'mof', 'mod', 'mlit', 'jftc'),
    name: storedText(200),
    category: fc.constantFrom(...CATEGORIES),
    businessArea: fc.option(storedText(200), {nil: null}),
    status: fc.constantFrom(...STATUSES),
    physicalServers: count,
    virtualHosts: count,
    osInstances: count,
    utilisation: fc.option(decimal(99), {nil: null}),
    storageTb: fc.option(decimal(100_000), {nil: null}),
    users: count,
    annualHours: fc.option(decimal(10_000_000), {nil: null}),
    years: fc.option(fc.tuple(fc.integer({min: MIN_FISCAL_YEAR, max: MAX_FISCAL_YEAR}), fc.nat(50)), {nil: null}),
    mustStay: fc.option(storedText(500), {nil: null}),
    tags: fc.uniqueArray(tag, {maxLength: 4}),
    retiredReason: fc.option(storedText(500), {nil: null}),
    facilityId: fc.option(fc.constantFrom('DCOI-DC-10001', 'NEW-0a1b2c3d4e5f'), {nil: null}),
  })
  .map(({years, mustStay, ...rest}) => ({
    ...rest,
    firstYear: years ? years[0] : null,
    lastYear: years ? Math.min(years[0] + years[1], MAX_FISCAL_YEAR) : null,
    eligibility: mustStay === null ? ('eligible' as const) : ('must-stay' as const),
    eligibilityReason: mustStay,
  }))

const costLine: fc.Arbitrary<CostLine> = fc.record({
  systemId: id,
  fiscalYear: fc.integer({min: MIN_FISCAL_YEAR, max: MAX_FISCAL_YEAR}),
  pool: fc.constantFrom(...COST_POOLS),
  spendType: fc.constantFrom('development' as const, 'operations' as const),
  frequency: fc.constantFrom('recurring' as const, 'one-time' as const),
  amount: fc
    .tuple(fc.bigInt({min: -(10n ** 24n), max: 10n ** 24n}), fc.nat(999))
    .map(([whole, thousandths]) =>
      thousandths === 0
        ? whole.toString()
        : `${whole < 0n ? '-' : ''}${(whole < 0n ? -whole : whole).toString()}.${String(thousandths).padStart(3, '0')}`.replace(/0+$/, ''),
    ),
  currency: fc.constantFrom('JPY', 'TWD', 'USD'),
  note: fc.option(storedText(1000), {nil: null}),
})

describe('export columns read back by import', () => {
  it('systems: any record comes back unchanged', () => {
    fc.assert(
      fc.property(fc.uniqueArray(system, {selector: (s) => s.id, maxLength: 5}), (systems) => {
        const read = roundTrip(systemsKind, SYSTEM_EXPORT_COLUMNS, systems)
        expect(read.issues).toEqual([])
        expect(read.records).toEqual(systems)
      }),
    )
  })

  it('cost lines: any line comes back unchanged, negative amounts included', () => {
    fc.assert(
      fc.property(fc.array(costLine, {maxLength: 5}), (lines) => {
        const read = roundTrip(costsKind, COST_EXPORT_COLUMNS, lines)
        expect(read.issues).toEqual([])
        expect(read.records).toEqual(lines)
      }),
    )
  })
})
