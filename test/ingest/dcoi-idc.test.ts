/**
 * The US DCOI data-centre inventory (OMB's Integrated Data Collection CSV).
 *
 * The `omb.*` verdicts below are those of OMB's own validator, validate.py
 * (github.com/ombegov/dcoi), on the same files: for the sample, two warnings
 * (line 3 "Only tiered data centers need to be reported", line 10 "Avg
 * Electricity Usage (300000) … should never be equal to Avg IT Electricity
 * Usage"); for test/fixtures/dcoi/idc-errors.csv, 27 errors in 9 records and
 * 5 warnings in 3 records, listed rule by rule in OMB_VERDICT. The `kasumi.*`
 * findings are kasumi's stricter checks, on rows validate.py passes.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ROOT} from '../support/cli.js'
import {describeEachBackend} from '../support/stores.js'
import {cli, ok, tempDir} from '../inventory/helpers.js'

const SAMPLE_Q3 = join(ROOT, 'data/samples/dcoi-idc-2024q3.csv')
const SAMPLE_Q4 = join(ROOT, 'data/samples/dcoi-idc-2024q4.csv')
const ERRORS = join(ROOT, 'test/fixtures/dcoi/idc-errors.csv')

interface Finding {
  line: number
  rule: string
  column: string
  severity: string
  source: string
  value?: string
  message: string
  hint?: string
}

/** line, rule, column header: the findings of a file, in a form to compare. */
const verdicts = (findings: Finding[]) => findings.map((entry) => `${entry.line} ${entry.rule} ${entry.column.replace(/^\d+ \((.*)\)$/, '$1')}`)

/** validate.py on idc-errors.csv: every error and warning, by line and field. */
const OMB_VERDICT = [
  '2 omb.agency-blank Agency Abbreviation',
  '2 omb.component-blank Component',
  '2 omb.id-form Data Center ID',
  '2 omb.record-validity-value Record Validity',
  '3 omb.kmf-type-blank Key Mission Facility Type',
  '3 omb.closing-stage-blank Closing Stage',
  '3 omb.target-kmf-type-blank Key Mission Facility Type',
  '4 omb.kmf-type-value Key Mission Facility Type',
  '5 omb.kmf-legal-comment Comments',
  '6 omb.kmf-other-comment Comments',
  '7 omb.closing-stage-value Closing Stage',
  '8 omb.closing-fy-blank Closing Fiscal Year',
  '8 omb.closing-quarter-blank Closing Quarter',
  '9 omb.name-blank Data Center Name',
  '9 omb.floor-area-blank Gross Floor Area',
  '9 omb.tier-blank Data Center Tier',
  '9 omb.metered-blank Electricity Is Metered',
  '9 omb.underutilized-blank Underutilized Servers',
  '9 omb.downtime-blank Actual Hours of Facility Downtime',
  '9 omb.planned-hours-blank Planned Hours of Facility Availability',
  '9 omb.racks-blank Rack Count',
  '9 omb.mainframes-blank Total Mainframes',
  '9 omb.hpc-blank Total HPC Cluster Nodes',
  '9 omb.servers-blank Total Servers',
  '9 omb.virtual-hosts-blank Total Virtual Hosts',
  '9 omb.non-tiered Data Center Tier',
  '10 omb.electricity-blank Avg Electricity Usage',
  '10 omb.it-electricity-blank Avg IT Electricity Usage',
  '21 omb.kmf-non-tiered Data Center Tier',
  '21 omb.kmf-not-owned Ownership Type',
  '21 omb.kmf-invalid-record Record Validity',
  '22 omb.kmf-type-without-kmf Key Mission Facility Type',
]

/** kasumi's stricter findings on the same file, on rows validate.py passes or fields it does not check. */
const KASUMI_VERDICT = [
  '11 kasumi.id-form Data Center ID', // DCOI-DC-１２３: Python's \d takes full-width digits
  '11 kasumi.number Total Servers', // N/A
  '11 kasumi.number Avg Electricity Usage', // -5000
  '11 kasumi.planned-hours-zero Planned Hours of Facility Availability',
  '12 kasumi.value Ownership Type', // Agency-Owned
  '12 kasumi.value Country', // USA
  '12 kasumi.value Data Center Tier', // Teir 3
  '13 kasumi.spelling Record Validity', // valid facility
  '13 kasumi.spelling Ownership Type', // agency owned
  '14 kasumi.closed-floor-area Gross Floor Area',
  '15 kasumi.it-exceeds-total Avg IT Electricity Usage',
  '15 kasumi.underutilized-exceeds-servers Underutilized Servers',
  '16 kasumi.downtime-exceeds-planned Actual Hours of Facility Downtime',
  '17 kasumi.cloud-tier Data Center Tier',
  '18 kasumi.new-without-name Data Center Name',
  '20 kasumi.duplicate Data Center ID',
  '23 kasumi.blank-spaces Component',
  '24 kasumi.value Closing Quarter', // Q5
  '24 kasumi.closing-fy Closing Fiscal Year', // next year
]

function write(name: string, text: string): string {
  const file = join(tempDir(), name)
  writeFileSync(file, text)
  return file
}

describe('DCOI IDC inventory: the verdict of OMB’s validator, and kasumi’s stricter checks', () => {
  it('the sample passes with the two warnings validate.py gives, each with its rule (exit 0)', async () => {
    const result = await ok(['inventory', 'validate', SAMPLE_Q3, '--json'])
    expect(result.json).toMatchObject({valid: true, kind: 'dcoi-idc', records: 9, facilities: 8, invalidRecords: 1, errors: 0})
    expect(verdicts(result.json.warnings)).toEqual(['3 omb.non-tiered Data Center Tier', '10 omb.pue-one Avg Electricity Usage'])
    expect(result.json.warnings[1]).toMatchObject({value: '300000', severity: 'warning', source: 'omb'})
    expect(result.json.byRule).toEqual({'omb.non-tiered': 1, 'omb.pue-one': 1})
    // The next quarter has neither: the annex is closed and Seattle's electricity was corrected.
    expect((await ok(['inventory', 'validate', SAMPLE_Q4, '--json'])).json.warnings).toEqual([])
  })

  it('reaches validate.py’s errors and warnings row by row and field by field, plus its own (exit 3)', async () => {
    const result = await cli(['inventory', 'validate', ERRORS, '--json', '--max-issues', '500'])
    expect(result.exitCode).toBe(3)
    const findings: Finding[] = result.json.error.issues
    expect(result.json.error.message).toBe('idc-errors.csv: 46 errors and 5 warnings in the DCOI inventory; nothing was written')
    expect(verdicts(findings.filter((entry) => entry.source === 'omb'))).toEqual(OMB_VERDICT)
    expect(verdicts(findings.filter((entry) => entry.source === 'kasumi'))).toEqual(KASUMI_VERDICT)
    expect(findings.filter((entry) => entry.source === 'omb' && entry.severity === 'error')).toHaveLength(27)
    expect(findings.filter((entry) => entry.severity === 'warning')).toHaveLength(5)
    for (const entry of findings) expect(entry.rule).toMatch(/^(omb|kasumi)\.[a-z-]+$/)
    expect(findings.find((entry) => entry.line === 11 && entry.column.endsWith('(Total Servers)'))).toMatchObject({
      value: 'N/A',
      message: 'not a number',
      hint: 'write a number; leave the cell empty when the figure is not reported',
    })
    expect(findings.find((entry) => entry.line === 11 && entry.rule === 'kasumi.number' && entry.value === '-5000')?.message).toBe(
      'must not be negative',
    )
  })

  it('prints each finding with its line, column, value, reason, hint and rule', async () => {
    const result = await cli(['inventory', 'validate', ERRORS])
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toContain(
      'line 11, column 18 (Planned Hours of Facility Availability): planned hours of availability must be more than 0 (value "0") — write the hours the facility was planned to be available',
    )
    expect(result.stderr).toContain('[kasumi.planned-hours-zero]')
    expect(result.stderr).toContain('line 7, column 24 (Closing Stage): not a closing stage (value "Closing soon")')
  })

  it('recognises the file from its header in any case, as OMB’s tool does', async () => {
    const [header, ...rows] = readFileSync(SAMPLE_Q3, 'utf8').split('\r\n')
    const upper = write('UPPER.csv', [header.toUpperCase(), ...rows].join('\r\n'))
    const result = await ok(['inventory', 'validate', upper, '--json'])
    expect(result.json.kind).toBe('dcoi-idc')
    expect(verdicts(result.json.warnings)).toEqual(['3 omb.non-tiered DATA CENTER TIER', '10 omb.pue-one AVG ELECTRICITY USAGE'])
  })

  it('treats what makes validate.py crash as ordinary errors: a short row, bytes that are not UTF-8, an empty file', async () => {
    const text = readFileSync(SAMPLE_Q3, 'utf8')
    const short = write('short.csv', text.replace('Tier 3,12000', 'Tier 3').split('\r\n').slice(0, 3).join('\r\n'))
    const result = await cli(['inventory', 'validate', short, '--kind', 'dcoi-idc', '--json'])
    expect(result.exitCode).toBe(3)
    expect(result.json.error.issues[0]).toMatchObject({line: 2, rule: 'kasumi.csv', message: 'the record has 26 fields where the header has 27'})

    const latin = join(tempDir(), 'latin1.csv')
    writeFileSync(
      latin,
      Buffer.concat([Buffer.from(text.split('\r\n').slice(0, 2).join('\r\n').replace('Capital', 'Capit')), Buffer.from([0xe9, 0x0d, 0x0a])]),
    )
    const bytes = await cli(['inventory', 'validate', latin, '--kind', 'dcoi-idc', '--json'])
    expect(bytes.exitCode).toBe(3)
    expect(bytes.json.error.issues.map((entry: Finding) => entry.message)).toContain('bytes that are not text in this encoding')

    const empty = await cli(['inventory', 'validate', write('empty.csv', ''), '--kind', 'dcoi-idc', '--json'])
    expect(empty.exitCode).toBe(3)
    expect(empty.json.error.issues[0]).toMatchObject({rule: 'kasumi.csv', message: 'the file is empty'})
  })

  it('a missing column is an error at the header; the rows are still checked as validate.py would', async () => {
    const lines = readFileSync(SAMPLE_Q3, 'utf8').split('\r\n')
    const drop = (line: string) => line.split(',').slice(1).join(',') // no Agency Abbreviation column
    const file = write('no-agency.csv', lines.map(drop).join('\r\n'))
    const result = await cli(['inventory', 'validate', file, '--kind', 'dcoi-idc', '--json', '--max-issues', '100'])
    expect(result.exitCode).toBe(3)
    const found = verdicts(result.json.error.issues)
    expect(found[0]).toBe('1 kasumi.missing-column Agency Abbreviation')
    // validate.py: "Agency Abbreviation must not be blank." on every row.
    expect(found.filter((entry) => entry.includes('omb.agency-blank'))).toHaveLength(9)
  })

  it('an unknown column is a warning and is not read; a known one with spaces around it is an error', async () => {
    const lines = readFileSync(SAMPLE_Q3, 'utf8').split('\r\n')
    const extra = write(
      'extra.csv',
      lines.map((line, index) => (line === '' ? line : `${line},${index === 0 ? 'City' : 'Springfield'}`)).join('\r\n'),
    )
    const result = await ok(['inventory', 'validate', extra, '--json'])
    expect(verdicts(result.json.warnings)[0]).toBe('1 kasumi.unknown-column City')
    const spaced = write('spaced.csv', [lines[0].replace('Component', ' Component'), ...lines.slice(1)].join('\r\n'))
    const bad = await cli(['inventory', 'validate', spaced, '--json'])
    expect(bad.exitCode).toBe(3)
    expect(verdicts(bad.json.error.issues)).toContain('1 kasumi.header-spaces  Component')
  })
})

await describeEachBackend('DCOI IDC inventories into the register', (backend, fresh) => {
  it('imports the valid records as facilities with their quarter’s figures; the next quarter updates them and keeps history', async () => {
    const url = await fresh()
    await ok(['init', '--database', url])
    const missing = await cli(['inventory', 'import', SAMPLE_Q3, '--database', url])
    expect(missing.exitCode).toBe(2)
    expect(missing.stderr).toContain('--period')

    const q3 = await ok(['inventory', 'import', SAMPLE_Q3, '--database', url, '--period', '2024-Q3', '--json'])
    expect(q3.json).toMatchObject({kind: 'dcoi-idc', period: '2024-Q3', inserted: 8, updated: 0, periodsAdded: 8, invalidRecords: 1})
    expect(verdicts(q3.json.warnings)).toEqual(['3 omb.non-tiered Data Center Tier', '10 omb.pue-one Avg Electricity Usage'])

    const q4 = await ok(['inventory', 'import', SAMPLE_Q4, '--database', url, '--period', 'FY2024 Q4'])
    expect(q4.stderr).toContain('for 2024-Q4: facilities 0 inserted, 8 updated, 0 unchanged; 1 invalid record not imported')

    const list = await ok(['inventory', 'list', '--entity', 'facility', '--database', url, '--json'])
    expect(list.json.count).toBe(8)
    const hq = list.json.facilities.find((entry: {id: string}) => entry.id === 'DCOI-DC-10001')
    expect(hq).toMatchObject({agency: 'DOX', ownership: 'agency-owned', tier: 'tier-3', closingStage: 'not-closing'})
    expect(hq.latest).toMatchObject({
      period: '2024-Q4',
      totalServers: 610,
      avgElectricity: '820000',
      avgItElectricity: '505000',
      electricityMetered: true,
    })
    expect(list.json.facilities.some((entry: {id: string}) => entry.id === 'DCOI-DC-10006')).toBe(false) // the invalid record

    const show = await ok(['inventory', 'show', 'DCOI-DC-10002', '--entity', 'facility', '--database', url, '--json'])
    expect(show.json.facility).toMatchObject({closingStage: 'closed', closingYear: 2024, closingQuarter: 4})
    expect(show.json.metrics.map((entry: {period: string}) => entry.period)).toEqual(['2024-Q3', '2024-Q4'])

    const history = await ok(['inventory', 'history', 'DCOI-DC-10002', '--entity', 'facility', '--database', url, '--json'])
    const changes = history.json.entries.map((entry: {field: string | null; before: string | null; after: string | null}) =>
      entry.field === null || entry.field.startsWith('figures') ? entry.field : `${entry.field}: ${entry.before} → ${entry.after}`,
    )
    expect(changes).toEqual([
      'figures 2024-Q4',
      'closing_quarter: 2 → 4',
      'closing_fy: 2025 → 2024',
      'closing_stage: migration-execution → closed',
      'figures 2024-Q3',
      null,
    ])
    const hqHistory = await ok(['inventory', 'history', 'DCOI-DC-10001', '--entity', 'facility', '--database', url, '--json'])
    expect(hqHistory.json.entries.filter((entry: {field: string}) => entry.field === 'figures 2024-Q4')).toHaveLength(1)

    // The same quarter again with one figure changed: that figure is updated and logged with its period.
    const text = readFileSync(SAMPLE_Q4, 'utf8').replace('820000,505000,35', '820000,505000,36')
    const again = await ok(['inventory', 'import', write('q4-fixed.csv', text), '--database', url, '--period', '2024q4', '--json'])
    expect(again.json).toMatchObject({inserted: 0, updated: 1, unchanged: 7, periodsAdded: 0, periodsUpdated: 1})
    const fixed = await ok(['inventory', 'history', 'DCOI-DC-10001', '--entity', 'facility', '--database', url, '--json'])
    expect(fixed.json.entries[0]).toMatchObject({field: 'underutilised_servers 2024-Q4', before: '35', after: '36', action: 'update'})
  })

  it('an inventory with errors writes nothing (exit 3); a dry run writes nothing either', async () => {
    const url = await fresh()
    await ok(['init', '--database', url])
    const before = (await ok(['inventory', 'history', '--database', url, '--json'])).json.entries.length
    const bad = await cli(['inventory', 'import', ERRORS, '--database', url, '--period', '2024-Q3'])
    expect(bad.exitCode).toBe(3)
    expect(bad.stderr).toContain('46 errors and 5 warnings in the DCOI inventory; nothing was written')
    const dry = await ok(['inventory', 'import', SAMPLE_Q3, '--database', url, '--period', '2024-Q3', '--dry-run', '--json'])
    expect(dry.json).toMatchObject({dryRun: true, inserted: 8, changeSetId: null})
    expect((await ok(['inventory', 'history', '--database', url, '--json'])).json.entries).toHaveLength(before)
    expect((await ok(['inventory', 'list', '--entity', 'facility', '--database', url, '--json'])).json.count).toBe(0)
  })

  it('exports facilities in the IDC layout, which imports back unchanged; systems may name their facility', async () => {
    const url = await fresh()
    await ok(['init', '--database', url])
    await ok(['inventory', 'import', SAMPLE_Q3, '--database', url, '--period', '2024-Q3'])
    const out = join(tempDir(), 'idc.csv')
    await ok(['inventory', 'export', '--entity', 'facility', '--output', out, '--database', url])
    const back = await ok(['inventory', 'import', out, '--database', url, '--period', '2024-Q3', '--json'])
    expect(back.json).toMatchObject({records: 8, inserted: 0, updated: 0, unchanged: 8})
    const json = await ok(['inventory', 'export', '--entity', 'facility', '--format', 'json', '--database', url, '--json'])
    expect(json.json.rows).toHaveLength(8)
    expect(json.json.rows[0].metrics[0]).toMatchObject({period: '2024-Q3'})

    const systems = write('systems.csv', 'id,ministry,name,category,facility_id\nSYS-1,mic,Mail,lan,DCOI-DC-10001\n')
    await ok(['inventory', 'import', systems, '--database', url])
    const shown = await ok(['inventory', 'show', 'DCOI-DC-10001', '--entity', 'facility', '--database', url, '--json'])
    expect(shown.json.systems).toEqual(['SYS-1'])
    const typo = write('typo.csv', 'id,ministry,name,category,facility_id\nSYS-2,mic,Web,lan,DCOI-DC-1000\n')
    const refused = await cli(['inventory', 'import', typo, '--database', url, '--json'])
    expect(refused.exitCode).toBe(3)
    expect(refused.json.error.issues[0]).toMatchObject({value: 'DCOI-DC-1000', message: 'no facility has this id'})
  })
})
