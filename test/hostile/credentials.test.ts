/**
 * A database password never leaves kasumi: with a password planted in the
 * PostgreSQL URL (given as --database, as --database=…, or in
 * KASUMI_DATABASE), every command's stdout and stderr, human and --json, and
 * every file written (reports in every format, the XLSX cells included, audit
 * bundles, exports) are searched for it. URLs that no parser reads as meant
 * (a password holding / or @) are refused without echoing it.
 */
import {readFileSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {redactText, redactUrl, secretsOf} from '../../src/domain/redact.js'
import {kasumi, kasumiProcess, ROOT, useTempDirs, type CommandResult} from '../support/cli.js'
import {freshPostgresUrl, postgresAvailable} from '../support/stores.js'
import {expectRefusal} from './fs-snapshot.js'

const SAMPLES = join(ROOT, 'data', 'samples')
const SCENARIO = 'kasumigaseki-cloud'
const temp = useTempDirs()

/** The planted password: distinctive, with characters that must be percent-encoded in a URL. */
const PASSWORD = 'Pl4ntedS3cret/@:x9'
/** Any of these in any output is a leak (the whole password, encoded or not, and distinctive pieces of it). */
const NEEDLES = [PASSWORD, encodeURIComponent(PASSWORD), 'Pl4nted', 'S3cret']

function withPassword(url: string, password: string, encode = true): string {
  const parsed = new URL(url)
  const user = parsed.username || 'postgres'
  const rest = url.slice(url.indexOf('@') >= 0 ? url.indexOf('@') + 1 : url.indexOf('://') + 3)
  return `${url.slice(0, url.indexOf('://') + 3)}${user}:${encode ? encodeURIComponent(password) : password}@${rest}`
}

/** Every file under a folder, as text; an XLSX workbook as the text of every cell of every sheet too. */
async function contentsOf(folder: string): Promise<Array<{file: string; text: string}>> {
  const out: Array<{file: string; text: string}> = []
  for (const entry of readdirSync(folder, {recursive: true, withFileTypes: true})) {
    const file = join(entry.parentPath, entry.name)
    if (!statSync(file).isFile()) continue
    const bytes = readFileSync(file)
    out.push({file, text: bytes.toString('utf8')}, {file: `${file} (latin1)`, text: bytes.toString('latin1')})
    if (file.endsWith('.xlsx')) {
      const {default: ExcelJS} = await import('exceljs')
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
      const cells: string[] = [JSON.stringify(workbook.creator), JSON.stringify(workbook.title)]
      workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(JSON.stringify(cell.value)))))
      expect(cells.length, file).toBeGreaterThan(100)
      out.push({file: `${file} (cells)`, text: cells.join('\n')})
    }
  }
  return out
}

function expectNoLeak(where: string, text: string): void {
  for (const needle of NEEDLES)
    expect(
      text.includes(needle),
      `${where} holds the password (${needle}):\n${text.slice(Math.max(0, text.indexOf(needle) - 200), text.indexOf(needle) + 200)}`,
    ).toBe(false)
}

describe('redaction', () => {
  it('finds the password in URLs that parse and in URLs that do not', () => {
    expect(redactUrl('postgres://kasumi:secret@db.example:5432/plans')).toBe('postgres://kasumi:***@db.example:5432/plans')
    expect(redactUrl('postgres://kasumi:se/cr@t@db.example/plans?sslmode=require')).toBe('postgres://kasumi:***@db.example/plans?sslmode=require')
    expect(redactUrl('--database=postgresql://u:p:q?r#s@h/db')).toBe('--database=postgresql://u:***@h/db')
    expect(redactUrl('postgres://h/db?user=u&password=hunter22&sslpassword=x')).toBe('postgres://h/db?user=u&password=***&sslpassword=***')
    expect(redactUrl('postgres://kasumi@h/db')).toBe('postgres://kasumi@h/db')
    expect(redactUrl('./plans/kasumi.db')).toBe('./plans/kasumi.db')
    const secrets = secretsOf(['postgres://u:se%2Fcr%40t99@h/db'])
    expect(redactText('password authentication failed: se/cr@t99 and se%2Fcr%40t99', secrets)).toBe('password authentication failed: *** and ***')
  })
})

describe('a planted database password on PostgreSQL', () => {
  let available = true
  let url: string
  let drop = async () => {}
  let dir: string
  const outputs: Array<{what: string; result: CommandResult}> = []

  const run = async (argv: string[], env?: Record<string, string | undefined>) => {
    const result = await kasumi(argv, {env})
    outputs.push({what: `kasumi ${argv.join(' ')}${env ? ' (KASUMI_DATABASE)' : ''}`, result})
    return result
  }
  const ok = async (argv: string[], env?: Record<string, string | undefined>) => {
    const result = await run(argv, env)
    expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr.slice(0, 2000)}`).toBe(0)
    return result
  }

  beforeAll(async () => {
    if (!(await postgresAvailable())) {
      available = false
      return
    }
    const fresh = await freshPostgresUrl()
    drop = fresh.drop
    // The test server trusts local connections: any password is accepted, as a real one would be.
    url = withPassword(fresh.url, PASSWORD)
    dir = temp('kasumi-credentials-')
  }, 60_000)
  afterAll(() => drop())

  it('no command prints it and no file holds it, on any path through kasumi', async ({skip}) => {
    if (!available) skip()
    const db = ['--database', url]
    await ok(['init', ...db])
    await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), ...db, '--json'])
    await ok(['inventory', 'import', join(SAMPLES, 'costs.csv'), `--database=${url}`])
    // Already imported: the ids conflict (exit 3), and the issues name the store.
    expect((await run(['inventory', 'validate', join(SAMPLES, 'systems.csv'), ...db, '--json'])).exitCode).toBe(3)
    expect((await run(['inventory', 'validate', join(SAMPLES, 'systems.csv'), ...db])).exitCode).toBe(3)
    await ok(['inventory', 'summary', ...db])
    await ok(['inventory', 'summary', ...db, '--json'])
    await ok(['inventory', 'list', ...db, '--json'])
    await ok(['inventory', 'show', 'MIC-0001', ...db, '--json'])
    await ok(['inventory', 'update', 'MIC-0001', '--set', 'status=migrating', ...db, '--json'])
    await ok(['inventory', 'history', 'MIC-0001', ...db, '--json'])
    await ok(['inventory', 'export', '--kind', 'costs', '--output', join(dir, 'costs.csv'), ...db])
    await ok(['estimate', '--scenario', SCENARIO, ...db])
    await ok(['estimate', '--scenario', SCENARIO, ...db, '--json'])
    await ok(['estimate', 'diff', SCENARIO, 'lan-consolidation', ...db, '--json'])
    await ok(['bench', '--scenario', SCENARIO, '--reference', 'jp-2009', '--actuals', join(SAMPLES, 'actuals.csv'), ...db, '--json'])
    await ok(['bench', '--scenario', SCENARIO, ...db])
    await ok(['report', '--scenario', SCENARIO, '--out', join(dir, 'report'), ...db])
    await ok(['report', '--scenario', SCENARIO, '--format', 'json,md', '--out', join(dir, 'report-json'), '-d', url, '--json'])
    await ok(['report', '--scenario', SCENARIO, '--format', 'json,xlsx,html', '--out', join(dir, 'report-env'), '--json'], {KASUMI_DATABASE: url})
    await ok(['audit', 'export', '--scenario', SCENARIO, '--out', join(dir, 'bundle'), ...db, '--json'])
    await ok(['audit', 'export', '--scenario', SCENARIO, '--format', 'json,xlsx', '--out', join(dir, 'bundle-env')], {KASUMI_DATABASE: url})
    await ok(['audit', 'verify', join(dir, 'bundle'), '--json'])
    // Failures carry the location too: a system that is not there, a refused output folder, a store that is not one.
    expect((await run(['inventory', 'show', 'NOPE-0001', ...db, '--json'])).exitCode).toBe(4)
    expect((await run(['inventory', 'show', 'NOPE-0001', ...db])).exitCode).toBe(4)
    expect((await run(['report', '--scenario', SCENARIO, '--out', join(dir, 'report'), ...db])).exitCode).toBe(5)
    const notAStore = withPassword(
      `${url.slice(0, url.indexOf('?'))}?options=${encodeURIComponent('-c search_path=kasumi_no_such_schema')}`,
      PASSWORD,
    )
    expect((await run(['inventory', 'summary', '--database', notAStore])).exitCode).toBe(6)
    expect((await run(['inventory', 'summary', '--json'], {KASUMI_DATABASE: notAStore})).exitCode).toBe(6)
    const unreachable = withPassword('postgres://postgres@127.0.0.1:1/test', PASSWORD)
    expect((await run(['inventory', 'summary', '--database', unreachable, '--json'])).exitCode).toBe(6)

    // The provenance records the command, with the password redacted.
    const report = JSON.parse(readFileSync(join(dir, 'report-json', 'report.json'), 'utf8'))
    expect(report.provenance.command).toContain("-d 'postgres://postgres:***@127.0.0.1:5432/test?options=")
    const manifest = JSON.parse(readFileSync(join(dir, 'bundle', 'manifest.json'), 'utf8'))
    expect(manifest.command).toContain("--database 'postgres://postgres:***@127.0.0.1:5432/test?options=")
    expect(manifest.inputs[0].source).toMatch(/^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/)

    expect(outputs.length).toBeGreaterThan(25)
    for (const {what, result} of outputs) {
      expectNoLeak(`stdout of ${what}`, result.stdout)
      expectNoLeak(`stderr of ${what}`, result.stderr)
    }
    const files = await contentsOf(dir)
    expect(files.filter((file) => file.file.endsWith('.xlsx (cells)')).length).toBe(4)
    for (const {file, text} of files) expectNoLeak(file, text)
  }, 300_000)

  it('a URL whose password holds an unencoded / or @ is refused (exit 2) without echoing it, as a flag or in KASUMI_DATABASE', async ({skip}) => {
    if (!available) skip()
    const raw = withPassword('postgres://postgres@127.0.0.1:5432/test', PASSWORD, false)
    expect(raw).toContain(`:${PASSWORD}@`)
    for (const [argv, env] of [
      [['inventory', 'summary', '--database', raw], undefined],
      [['inventory', 'summary', '--json', '--database', raw], undefined],
      [['report', '--scenario', SCENARIO, '--out', join(dir, 'never')], {KASUMI_DATABASE: raw}],
    ] as const) {
      const result = await kasumi([...argv], {env: env ? {...env} : undefined})
      if (argv.includes('--json')) {
        expect(result.exitCode).toBe(2)
        expect(result.json.error.message).toContain('postgres://postgres:***@127.0.0.1:5432/test')
      } else expectRefusal(result, 2, /the database URL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\/test has "\/" in its user name or password/)
      expectNoLeak(`stdout of ${argv.join(' ')}`, result.stdout)
      expectNoLeak(`stderr of ${argv.join(' ')}`, result.stderr)
    }
    // As a user runs it: the child process's own output.
    const child = kasumiProcess(['estimate', '--scenario', SCENARIO, '--database', raw])
    expect(child.exitCode).toBe(2)
    expectNoLeak('the child process', child.stdout + child.stderr)
  }, 60_000)
})
