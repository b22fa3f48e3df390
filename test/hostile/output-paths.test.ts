/**
 * Output folders under hostile paths: --force replaces only an earlier kasumi
 * output folder (it holds the .kasumi-output marker) or an empty folder.
 * Anything else — the current folder, a home folder, a file, a link, the root
 * — is refused with exit 5 and a message naming what is there, and is left
 * byte for byte as it was. Both `kasumi report` and `kasumi audit export`, on
 * both backends, run as the built CLI.
 */
import {existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {kasumi, kasumiProcess, ROOT, useTempDirs, type CommandResult} from '../support/cli.js'
import {BACKENDS, postgresAvailable} from '../support/stores.js'
import {expectRefusal, snapshot} from './fs-snapshot.js'

const SAMPLES = join(ROOT, 'data', 'samples')
const SCENARIO = 'kasumigaseki-cloud'
const temp = useTempDirs()

async function ok(argv: string[]): Promise<CommandResult> {
  const result = await kasumi(argv)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr}`).toBe(0)
  return result
}

/** A folder that looks like a project or a home: files, hidden files, subfolders. */
function homeLike(folder: string): string {
  mkdirSync(join(folder, 'Documents', 'plans'), {recursive: true})
  mkdirSync(join(folder, '.ssh'))
  writeFileSync(join(folder, '.bashrc'), 'export PATH=$HOME/bin:$PATH\n')
  writeFileSync(join(folder, '.ssh', 'id_ed25519'), 'not a real key\n', {mode: 0o600})
  writeFileSync(join(folder, 'Documents', 'plans', 'budget.csv'), 'ministry,amount\nMIC,1\n')
  writeFileSync(join(folder, 'package.json'), '{"name": "my-project"}\n')
  return folder
}

for (const backend of BACKENDS) {
  describe(`output folders on ${backend.name}`, () => {
    let database: string
    let drop = async () => {}
    let available = true

    beforeAll(async () => {
      if (backend.name === 'postgres' && !(await postgresAvailable())) {
        available = false
        return
      }
      const fresh = await backend.fresh()
      database = fresh.url
      drop = fresh.drop
      await ok(['init', '--database', database])
      await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', database])
      await ok(['inventory', 'import', join(SAMPLES, 'costs.csv'), '--database', database])
    }, 120_000)
    afterAll(() => drop())

    const report = (out: string, ...more: string[]) =>
      kasumi(['report', '--scenario', SCENARIO, '--format', 'json', '--out', out, '--database', database, ...more])
    const bundle = (out: string, ...more: string[]) =>
      kasumi(['audit', 'export', '--scenario', SCENARIO, '--format', 'json', '--out', out, '--database', database, ...more])

    it('--out . in a project folder is refused, with and without --force, and the folder is left as it was', async ({skip}) => {
      if (!available) skip()
      const project = homeLike(temp('kasumi-project-'))
      const before = snapshot(project)
      for (const command of ['report', 'audit export']) {
        for (const force of [[], ['--force']]) {
          const result = kasumiProcess(
            [...command.split(' '), '--scenario', SCENARIO, '--format', 'json', '--out', '.', '--database', database, ...force],
            {cwd: project},
          )
          expectRefusal(
            result,
            5,
            force.length
              ? /^Error: \. \(\/.+\) is not a folder kasumi wrote: it holds 4 entries \("\.bashrc", "\.ssh", "Documents", "package\.json"\) and no \.kasumi-output marker/
              : 'already exists',
          )
          expect(snapshot(project)).toEqual(before)
        }
      }
      expect(readdirSync(join(project, '..')).filter((name) => name.startsWith(`.${project.split('/').at(-1)}`))).toEqual([])
    }, 60_000)

    it('--out <a home folder> --force is refused naming what is there, and nothing in it changes', async ({skip}) => {
      if (!available) skip()
      const home = homeLike(temp('kasumi-home-'))
      const before = snapshot(home)
      for (const run of [report, bundle]) {
        const result = await run(home, '--force')
        expectRefusal(result, 5, `${home} is not a folder kasumi wrote`)
        expect(result.stderr).toContain('no .kasumi-output marker')
        expect(result.stderr).toContain('left as it is')
        expect(snapshot(home)).toEqual(before)
        const json = await run(home, '--force', '--json')
        expect(json.exitCode).toBe(5)
        expect(json.json.error).toMatchObject({name: 'ConflictError', exitCode: 5})
        expect(snapshot(home)).toEqual(before)
      }
    }, 60_000)

    it('--out <a file> --force is refused and the file is intact', async ({skip}) => {
      if (!available) skip()
      const dir = temp('kasumi-file-')
      const file = join(dir, 'notes.txt')
      writeFileSync(file, 'my notes\n'.repeat(10))
      const before = snapshot(dir)
      for (const run of [report, bundle]) {
        expectRefusal(await run(file, '--force'), 5, `${file} already exists and is a file of 90 bytes, not an output folder; it was left as it is`)
        expectRefusal(await run(file), 5, 'is a file of 90 bytes')
        expect(snapshot(dir)).toEqual(before)
      }
    }, 60_000)

    it('a symbolic link, even to a kasumi folder, is refused with --force', async ({skip}) => {
      if (!available) skip()
      const dir = temp('kasumi-link-')
      await ok(['report', '--scenario', SCENARIO, '--format', 'json', '--out', join(dir, 'real'), '--database', database])
      symlinkSync(join(dir, 'real'), join(dir, 'link'))
      const before = snapshot(dir)
      expectRefusal(await report(join(dir, 'link'), '--force'), 5, 'is a symbolic link')
      expect(snapshot(dir)).toEqual(before)
    }, 60_000)

    it('--out / and unwritable paths give a clean error (exit 5), never a stack trace', async ({skip}) => {
      if (!available) skip()
      for (const run of [report, bundle]) {
        expectRefusal(await run('/'), 5, '/ is the root of the file system')
        expectRefusal(await run('/', '--force'), 5, '/ is the root of the file system')
        const json = await run('/', '--force', '--json')
        expect(json.exitCode).toBe(5)
        expect(json.json.error.message).toContain('root of the file system')
        expectRefusal(await run('/dev/null/report'), 5, 'cannot write /dev/null/report: a part of the path is not a folder (ENOTDIR)')
        expectRefusal(await run('/sys/kasumi-report'), 5, /cannot write \/sys\/kasumi-report: .+ \(E[A-Z]+\)/)
        expectRefusal(await run('/dev/null', '--force'), 5, '/dev/null already exists and is a device')
      }
      expect(existsSync('/sys/kasumi-report')).toBe(false)
    }, 60_000)

    it('an earlier kasumi report folder or bundle is replaced whole with --force; an empty folder too', async ({skip}) => {
      if (!available) skip()
      const dir = temp('kasumi-replace-')
      const out = join(dir, 'report')
      await ok(['report', '--scenario', SCENARIO, '--format', 'json,csv', '--out', out, '--database', database])
      expect(JSON.parse(readFileSync(join(out, '.kasumi-output'), 'utf8'))).toMatchObject({format: 'kasumi-output', kind: 'report'})
      await ok(['report', '--scenario', SCENARIO, '--format', 'json', '--out', out, '--database', database, '--force'])
      expect(readdirSync(out).sort()).toEqual(['.kasumi-output', 'report.json'])

      const audit = join(dir, 'bundle')
      await ok(['audit', 'export', '--scenario', SCENARIO, '--format', 'json', '--out', audit, '--database', database])
      expect(JSON.parse(readFileSync(join(audit, '.kasumi-output'), 'utf8'))).toMatchObject({kind: 'audit-bundle'})
      await ok(['audit', 'export', '--scenario', SCENARIO, '--format', 'csv', '--out', audit, '--database', database, '--force'])
      expect(existsSync(join(audit, 'report', 'report.json'))).toBe(false)
      await ok(['audit', 'verify', audit])

      const empty = join(dir, 'empty')
      mkdirSync(empty)
      expectRefusal(await report(empty), 5, `${empty} already exists (an empty folder)`)
      await ok(['report', '--scenario', SCENARIO, '--format', 'json', '--out', empty, '--database', database, '--force'])
      expect(readdirSync(empty).sort()).toEqual(['.kasumi-output', 'report.json'])
      // Nothing left beside the folders: every temporary folder was renamed into place or removed.
      expect(readdirSync(dir).sort()).toEqual(['bundle', 'empty', 'report'])
    }, 120_000)

    it('inventory export --output --force replaces a file, never a folder, a link or the root', async ({skip}) => {
      if (!available) skip()
      const home = homeLike(temp('kasumi-export-'))
      const before = snapshot(home)
      const exportTo = (output: string, ...more: string[]) => kasumi(['inventory', 'export', '--output', output, '--database', database, ...more])
      expectRefusal(await exportTo(home, '--force'), 5, `${home} exists and is not a file (a folder, link or device); it was left as it is`)
      expectRefusal(await exportTo(join(home, 'Documents'), '--force'), 5, 'is not a file')
      expectRefusal(await exportTo('/', '--force'), 5, '/ exists and is not a file')
      expectRefusal(await exportTo('/dev/null/systems.csv'), 5, 'cannot write /dev/null/systems.csv: a part of the path is not a folder (ENOTDIR)')
      expect(snapshot(home)).toEqual(before)
      const file = join(home, 'systems.csv')
      writeFileSync(file, 'old\n')
      expectRefusal(await exportTo(file), 5, 'already exists')
      await ok(['inventory', 'export', '--output', file, '--database', database, '--force'])
      expect(readFileSync(file, 'utf8')).toContain('MIC-0001')
    }, 60_000)

    it('an earlier kasumi folder that now holds files kasumi did not write is refused with --force, and they are kept', async ({skip}) => {
      if (!available) skip()
      const dir = temp('kasumi-foreign-')
      const out = join(dir, 'report')
      await ok(['report', '--scenario', SCENARIO, '--format', 'json,csv', '--out', out, '--database', database])
      const marker = JSON.parse(readFileSync(join(out, '.kasumi-output'), 'utf8'))
      expect(marker.files).toContain('report.json')
      expect(marker.files).toContain('csv/cash-flow.csv')
      writeFileSync(join(out, 'my-notes.md'), 'notes on the report\n')
      mkdirSync(join(out, 'drafts'))
      writeFileSync(join(out, 'drafts', 'letter.txt'), 'draft\n')
      const before = snapshot(dir)
      for (const run of [report, bundle]) {
        expectRefusal(
          await run(out, '--force'),
          5,
          `${out} is a folder kasumi wrote, but it now holds 2 entries that kasumi did not write ("drafts/letter.txt", "my-notes.md"); it was left as it is`,
        )
        expect(snapshot(dir)).toEqual(before)
      }
      // Once they are moved out, it is replaced.
      rmSync(join(out, 'my-notes.md'))
      rmSync(join(out, 'drafts'), {recursive: true})
      await ok(['report', '--scenario', SCENARIO, '--format', 'json', '--out', out, '--database', database, '--force'])
    }, 60_000)

    it('a folder that once held a report but now holds other things too is still replaceable only by its marker; a forged-looking marker that is a link is not', async ({
      skip,
    }) => {
      if (!available) skip()
      const dir = temp('kasumi-marker-')
      const other = homeLike(join(dir, 'other'))
      symlinkSync(join(ROOT, 'package.json'), join(other, '.kasumi-output'))
      const before = snapshot(dir)
      expectRefusal(await report(other, '--force'), 5, 'no .kasumi-output marker')
      expect(snapshot(dir)).toEqual(before)
    }, 60_000)
  })
}
