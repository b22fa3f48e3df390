/**
 * The same register on SQLite and on PostgreSQL gives the same report, byte for byte, and the same
 * audit bundle figures: the backend is the store's business only. The report and audit suites run
 * their own cases on SQLite; this one runs them on both and compares.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {kasumi, ROOT, useTempDirs, type CommandResult, filesIn} from '../support/cli.js'
import {BACKENDS, postgresAvailable} from '../support/stores.js'

const SAMPLES = join(ROOT, 'data', 'samples')
const SCENARIO = 'kasumigaseki-cloud'
const FORMATS = 'json,csv,md,html,xlsx'
const tempDir = useTempDirs()

async function ok(argv: string[]): Promise<CommandResult> {
  const result = await kasumi(argv)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr}`).toBe(0)
  return result
}

/** report.json with the three things that name the run rather than the register: the time, the command line and the store's location. */
function comparable(text: string, location: string): string {
  const report = JSON.parse(text)
  report.provenance.createdAt = '<time>'
  report.provenance.command = '<command>'
  for (const input of report.provenance.inputs) input.file = String(input.file).replace(location, '<store>')
  return JSON.stringify(report, null, 2)
}

describe('one register on SQLite and on PostgreSQL', async () => {
  const pg = await postgresAvailable()
  const stores: Record<string, {url: string; drop(): Promise<void>}> = {}
  const reports: Record<string, string> = {}
  const bundles: Record<string, string> = {}

  beforeAll(async () => {
    if (!pg) return
    const dir = tempDir('kasumi-backends-')
    for (const backend of BACKENDS) {
      const store = await backend.fresh()
      stores[backend.name] = store
      await ok(['init', '--database', store.url])
      await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', store.url])
      await ok(['inventory', 'import', join(SAMPLES, 'costs.csv'), '--database', store.url])
      reports[backend.name] = join(dir, `report-${backend.name}`)
      await ok(['report', '--scenario', SCENARIO, '--format', FORMATS, '--out', reports[backend.name], '--database', store.url])
      bundles[backend.name] = join(dir, `bundle-${backend.name}`)
      await ok(['audit', 'export', '--scenario', SCENARIO, '--out', bundles[backend.name], '--database', store.url])
    }
  }, 300_000)

  afterAll(async () => {
    for (const store of Object.values(stores)) await store.drop()
  })

  it.skipIf(!pg)('writes the same report.json, byte for byte apart from the time, the command and the store location', () => {
    const [sqlite, postgres] = ['sqlite', 'postgres'].map((name) =>
      comparable(readFileSync(join(reports[name], 'report.json'), 'utf8'), stores[name].url),
    )
    expect(postgres).toBe(sqlite)
    // The register's own hashes and row counts are among what is compared: the same rows, read from either backend.
    expect(JSON.parse(sqlite).provenance.inputs.map((input: {role: string}) => input.role)).toEqual(['scenario', 'ministries', 'systems', 'costs'])
  })

  it.skipIf(!pg)('writes the same files, and the same bytes in every CSV table and the Markdown report', () => {
    expect(filesIn(reports.postgres)).toEqual(filesIn(reports.sqlite))
    const tables = filesIn(reports.sqlite).filter((path) => path.startsWith('csv/') && !path.includes('provenance'))
    expect(tables.length).toBeGreaterThan(5)
    for (const path of tables) expect(readFileSync(join(reports.postgres, path), 'utf8'), path).toBe(readFileSync(join(reports.sqlite, path), 'utf8'))
    const markdown = (name: string) =>
      readFileSync(join(reports[name], 'report.md'), 'utf8')
        .split('\n## ')
        .filter((section) => !/^(Provenance|来歴|來源)/.test(section))
    expect(markdown('postgres')).toEqual(markdown('sqlite'))
  })

  it.skipIf(!pg)('exports audit bundles that verify on their own and agree on every total', async () => {
    for (const name of ['sqlite', 'postgres']) {
      const verified = await kasumi(['audit', 'verify', bundles[name], '--json'])
      expect(verified.exitCode, `${name}: ${verified.stderr}`).toBe(0)
    }
    const manifest = (name: string) => JSON.parse(readFileSync(join(bundles[name], 'manifest.json'), 'utf8'))
    expect(manifest('postgres').totals).toEqual(manifest('sqlite').totals)
  })
})
