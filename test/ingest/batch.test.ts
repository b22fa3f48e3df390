import {createHash} from 'node:crypto'
import {copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import ExcelJS from 'exceljs'
import {describe, expect, it} from 'vitest'

import {backends, cli, contents, csv, ok, storeFactory, tempDir} from '../inventory/helpers.js'
import {ROOT} from '../support/cli.js'

const freshStore = storeFactory()

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

/**
 * A folder as a consolidation office receives it: a new ministry, its systems
 * in a CSV file and in a workbook with a title row, and their cost lines. The
 * cost lines sort first by name but name the systems of the other files.
 */
async function receivedFolder(): Promise<{folder: string; files: Record<'costs' | 'ministries' | 'systems' | 'workbook', string>}> {
  const folder = join(tempDir(), 'received')
  mkdirSync(folder)
  const files = {
    costs: join(folder, 'a-costs.csv'),
    ministries: join(folder, 'b-ministries.csv'),
    systems: join(folder, 'c-systems.csv'),
    workbook: join(folder, 'd-systems.xlsx'),
  }
  writeFileSync(
    files.costs,
    csv(
      'system_id,fiscal_year,pool,spend_type,frequency,amount,currency',
      'DA-0001,2023,hardware,operations,recurring,1000000,JPY',
      'DA-0101,2023,software,operations,recurring,2500000,JPY',
    ),
  )
  writeFileSync(files.ministries, csv('code,name_zh,name_ja,name_en', 'digital,數位廳,デジタル庁,Digital Agency'))
  writeFileSync(
    files.systems,
    csv('id,ministry,name,category', 'DA-0001,digital,ガバメントクラウド,common', 'DA-0002,デジタル庁,マイナポータル,e-application'),
  )
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('システム一覧')
  sheet.getCell('A1').value = '令和5年度 情報システム一覧'
  sheet.getRow(3).values = ['システムID', '府省', 'システム名', '区分']
  sheet.getRow(4).values = ['DA-0101', 'デジタル庁', '公金受取口座登録システム', '電子申請']
  await workbook.xlsx.writeFile(files.workbook)
  // Not read: a hidden file, a note, a subfolder.
  writeFileSync(join(folder, '.~lock.c-systems.csv#'), 'lock')
  writeFileSync(join(folder, 'README.txt'), 'sent by the Digital Agency')
  mkdirSync(join(folder, 'old'))
  return {folder, files}
}

for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`inventory import of a folder (${backend.name})`, () => {
    it('imports a folder of ministries, systems, cost lines and a workbook in one transaction, one change set per file', async () => {
      const url = await freshStore(backend)
      const {folder, files} = await receivedFolder()
      const result = await ok(['inventory', 'import', folder, '--database', url, '--json'])
      // In the order of their names; each with its kind, rows, SHA-256 and change set.
      expect(result.json.files.map((file: {file: string}) => file.file)).toEqual([files.costs, files.ministries, files.systems, files.workbook])
      expect(
        result.json.files.map((file: {kind: string; records: number; status: string; errors: number}) => [
          file.kind,
          file.records,
          file.status,
          file.errors,
        ]),
      ).toEqual([
        ['costs', 2, 'imported', 0],
        ['ministries', 1, 'imported', 0],
        ['systems', 2, 'imported', 0],
        ['systems', 1, 'imported', 0],
      ])
      for (const file of result.json.files) expect(file.sha256).toBe(sha256(file.file))
      expect(result.json.skipped.map((entry: {path: string}) => entry.path)).toEqual([
        join(folder, '.~lock.c-systems.csv#'),
        join(folder, 'README.txt'),
        join(folder, 'old'),
      ])
      // Written in dependency order: ministries, then systems, then the cost lines that name them.
      const byFile = Object.fromEntries(result.json.files.map((file: {file: string; changeSetId: number}) => [file.file, file.changeSetId]))
      expect(byFile[files.ministries]).toBeLessThan(byFile[files.systems])
      expect(byFile[files.systems]).toBeLessThan(byFile[files.workbook])
      expect(byFile[files.workbook]).toBeLessThan(byFile[files.costs])
      const history = await ok(['inventory', 'history', '--database', url, '--json'])
      const imports = history.json.entries.filter((entry: {kind: string}) => entry.kind === 'import')
      expect(
        imports
          .map((entry: {fileName: string; fileSha256: string; changeSetId: number}) => [entry.changeSetId, entry.fileName, entry.fileSha256])
          .sort(),
      ).toEqual(
        Object.values(files)
          .map((file) => [byFile[file], file.split('/').at(-1), sha256(file)])
          .sort(),
      )
      const stored = await contents(url)
      expect((stored.systems as Array<{id: string; ministry: string}>).map((system) => [system.id, system.ministry])).toEqual([
        ['DA-0001', 'digital'],
        ['DA-0002', 'digital'],
        ['DA-0101', 'digital'],
      ])
      expect(stored.costs).toHaveLength(2)

      const human = await ok(['inventory', 'import', folder, '--database', url, '--dry-run', '--on-conflict', 'skip'])
      expect(human.stdout).toMatch(/file\s+│ kind\s+│ rows │ errors │ warnings │ change set │ result/)
      expect(human.stderr).toContain(`Skipped ${join(folder, 'README.txt')}: not an input file (kasumi reads .csv, .xlsx, .xlsm, .xls, .ods)`)
      expect(human.stderr).toContain(`Skipped ${join(folder, '.~lock.c-systems.csv#')}: a hidden file`)
    })

    it('writes nothing when one file has a problem, and lists the problems of every file first', async () => {
      const url = await freshStore(backend)
      const {folder, files} = await receivedFolder()
      writeFileSync(
        files.systems,
        csv('id,ministry,name,category', 'DA-0001,digital,ガバメントクラウド,common', 'DA-0002,nosuch,マイナポータル,電子申請'),
      )
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.readFile(files.workbook)
      workbook.getWorksheet('システム一覧')!.getCell('D4').value = '不明'
      await workbook.xlsx.writeFile(files.workbook)
      const before = await contents(url)

      const result = await cli(['inventory', 'import', folder, '--database', url, '--json'])
      expect(result.exitCode).toBe(3)
      const error = result.json.error
      expect(error.message).toBe('3 of 4 files with problems (4 problems); nothing was written')
      expect(
        error.issues.map((issue: {file: string; cell?: string; line?: number; column: string; value: string}) => [
          issue.file,
          issue.cell ?? issue.line,
          issue.value,
        ]),
      ).toEqual([
        // Systems of files with problems are not there for the cost lines that name them.
        [files.costs, 2, 'DA-0001'],
        [files.costs, 3, 'DA-0101'],
        [files.systems, 3, 'nosuch'],
        [files.workbook, 'システム一覧!D4', '不明'],
      ])
      expect(error.files.map((file: {status: string}) => file.status)).toEqual(['failed', 'not-imported', 'failed', 'failed'])
      expect(await contents(url)).toEqual(before)

      const human = await cli(['inventory', 'import', folder, '--database', url])
      expect(human.exitCode).toBe(3)
      expect(human.stdout).toMatch(/b-ministries\.csv\s+│ ministries\s+│\s+1 │\s+0 │\s+0 │\s+- │ not imported/)
      expect(human.stderr).toContain(`${files.systems}, line 3, column 2 (ministry): unknown ministry (value "nosuch")`)
      expect(human.stderr).toContain(`${files.workbook}, システム一覧!D4 (category): not one of the accepted values (value "不明")`)
      expect(await contents(url)).toEqual(before)
    })

    it('--each writes every good file with its own change set and reports the others', async () => {
      const url = await freshStore(backend)
      const {folder, files} = await receivedFolder()
      writeFileSync(
        files.systems,
        csv('id,ministry,name,category', 'DA-0001,digital,ガバメントクラウド,common', 'DA-0002,nosuch,マイナポータル,電子申請'),
      )
      const result = await cli(['inventory', 'import', folder, '--database', url, '--each', '--json'])
      expect(result.exitCode).toBe(3)
      const error = result.json.error
      expect(error.message).toBe('2 of 4 files with problems (2 problems); the other 2 files were imported')
      const statuses = Object.fromEntries(
        error.files.map((file: {file: string; status: string; changeSetId: number | null}) => [file.file, [file.status, file.changeSetId !== null]]),
      )
      expect(statuses).toEqual({
        [files.costs]: ['failed', false],
        [files.ministries]: ['imported', true],
        [files.systems]: ['failed', false],
        [files.workbook]: ['imported', true],
      })
      const stored = await contents(url)
      expect((stored.systems as Array<{id: string}>).map((system) => system.id)).toEqual(['DA-0101'])
      const history = await ok(['inventory', 'history', '--database', url, '--json'])
      const imports = history.json.entries.filter((entry: {kind: string}) => entry.kind === 'import')
      expect(imports.map((entry: {fileName: string; fileSha256: string}) => [entry.fileName, entry.fileSha256]).sort()).toEqual([
        ['b-ministries.csv', sha256(files.ministries)],
        ['d-systems.xlsx', sha256(files.workbook)],
      ])
    })

    it('takes several files named on the command line, and refuses a link inside a folder', async () => {
      const url = await freshStore(backend)
      const {folder, files} = await receivedFolder()
      const named = await ok(['inventory', 'import', files.systems, files.ministries, '--database', url, '--json'])
      expect(named.json.files.map((file: {kind: string; status: string}) => [file.kind, file.status])).toEqual([
        ['systems', 'imported'],
        ['ministries', 'imported'],
      ])
      const linked = join(tempDir(), 'linked')
      mkdirSync(linked)
      symlinkSync(files.costs, join(linked, 'costs.csv'))
      const before = await contents(url)
      const refused = await cli(['inventory', 'import', linked, '--database', url])
      expect(refused.exitCode).toBe(3)
      expect(refused.stderr).toContain(`${join(linked, 'costs.csv')}: a symbolic link: kasumi does not follow links inside a folder`)
      expect(await contents(url)).toEqual(before)
      expect(folder).toBeTruthy()
    })
  })
}

describe('inventory validate of a folder', () => {
  it('checks every file against the ones before it, without a store, and lists every problem', async () => {
    const {folder, files} = await receivedFolder()
    const database = join(tempDir(), 'none.db')
    const valid = await ok(['inventory', 'validate', folder, '--database', database, '--json'])
    expect(valid.json).toMatchObject({valid: true})
    expect(valid.json.files.map((file: {kind: string; status: string}) => [file.kind, file.status])).toEqual([
      ['costs', 'checked'],
      ['ministries', 'checked'],
      ['systems', 'checked'],
      ['systems', 'checked'],
    ])
    writeFileSync(files.ministries, csv('code,name_zh', 'Digital Agency,數位廳'))
    const invalid = await cli(['inventory', 'validate', folder, '--database', database])
    expect(invalid.exitCode).toBe(3)
    expect(invalid.stderr).toContain('3 of 4 files with problems (4 problems); nothing was written')
    expect(invalid.stderr).toContain(`${files.ministries}, line 2, column 1 (code): a ministry code is lower-case letters`)
    expect(invalid.stderr).toContain(`${files.systems}, line 2, column 2 (ministry): unknown ministry (value "digital")`)
    expect(invalid.stdout).toMatch(/d-systems\.xlsx\s+│ systems\s+│\s+1 │\s+1 │/)

    // A DCOI inventory is imported on its own, for its quarter.
    copyFileSync(join(ROOT, 'data', 'samples', 'dcoi-idc-2024q3.csv'), join(folder, 'e-dcoi.csv'))
    const dcoi = await cli(['inventory', 'validate', folder, '--database', database, '--json'])
    expect(dcoi.exitCode).toBe(3)
    expect(dcoi.json.error.files.at(-1)).toMatchObject({
      file: join(folder, 'e-dcoi.csv'),
      status: 'failed',
      issues: [{message: 'a US DCOI data-centre inventory: it is imported on its own, for the quarter it reports'}],
    })

    // A FOCUS bill and a file of the citizens' side are imported on their own too.
    rmSync(join(folder, 'e-dcoi.csv'))
    copyFileSync(join(ROOT, 'data', 'samples', 'focus.csv'), join(folder, 'f-focus.csv'))
    copyFileSync(join(ROOT, 'data', 'samples', 'procedures.csv'), join(folder, 'g-procedures.csv'))
    const apart = await cli(['inventory', 'validate', folder, '--database', database, '--json'])
    expect(apart.exitCode).toBe(3)
    const byName = new Map(
      (apart.json.error.files as {file: string; status: string; issues: {message: string}[]}[]).map((entry) => [entry.file, entry]),
    )
    expect(byName.get(join(folder, 'f-focus.csv'))).toMatchObject({
      status: 'failed',
      issues: [{message: 'a FOCUS cloud bill: it is imported on its own, with the options that name its systems'}],
    })
    expect(byName.get(join(folder, 'g-procedures.csv'))?.status).toBe('failed')
    expect(byName.get(join(folder, 'g-procedures.csv'))?.issues[0].message).toContain("the citizens' side is imported file by file")
  })
})
