import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import ExcelJS from 'exceljs'
import {describe, expect, it} from 'vitest'

import {Migrator, type Kysely} from 'kysely'

import {loadLifeEventReference} from '../../src/reference/life-events.js'
import {StaticMigrationProvider} from '../../src/store/migrations/index.js'
import {openStore} from '../../src/store/open.js'
import {ROOT} from '../support/cli.js'
import {backends, cli, csv, ok, storeFactory, tempDir, writeText} from '../inventory/helpers.js'

const SAMPLES = join(ROOT, 'data', 'samples')
const freshStore = storeFactory()
const enabled = await backends()

/** The sample register's citizens' side, imported in its order (systems first: procedures link to them). */
async function importSample(url: string): Promise<void> {
  for (const file of ['systems.csv', 'procedures.csv', 'documents.csv', 'life-events.csv'])
    await ok(['inventory', 'import', join(SAMPLES, file), '--database', url])
}

async function changeSets(url: string): Promise<number> {
  return (await ok(['inventory', 'history', '--database', url, '--json', '--limit', '100000'])).json.entries.length
}

const PROCEDURE_HEADER =
  'id,name,agency,agency_level,annual_cases,channel,visits_per_case,travel_minutes,waiting_minutes,form_minutes,staff_minutes,fee'

for (const backend of enabled) {
  describe.runIf(backend.enabled)(`procedures, documents and life events (${backend.name})`, () => {
    it('the synthetic sample reproduces the seed figure exactly: 搬遷 26/7/13, 退職 10/6/15', async () => {
      const url = await freshStore(backend)
      await importSample(url)
      const list = await ok(['inventory', 'list', '--entity', 'life-event', '--database', url, '--json'])
      const reference = await loadLifeEventReference()
      const metadata = JSON.parse(readFileSync(join(SAMPLES, 'metadata.json'), 'utf8'))
      expect(metadata.services.synthetic).toBe(true)
      expect(reference.rows.map((row) => [row.lifeEvent, row.procedures, row.agencies, row.documents])).toEqual([
        ['MOVE', 26, 7, 13],
        ['RETIRE', 10, 6, 15],
      ])
      for (const figure of reference.rows) {
        const event = list.json.lifeEvents.find((candidate: {id: string}) => candidate.id === figure.lifeEvent)
        expect(event.counts).toEqual({procedures: figure.procedures, agencies: figure.agencies, documents: figure.documents})
        expect(metadata.services.lifeEvents[figure.lifeEvent]).toEqual(event.counts)
      }
      const human = await ok(['inventory', 'list', '--entity', 'life-event', '--database', url])
      expect(human.stdout).toMatch(/MOVE\s+│ 引越し\s+│ 搬遷\s+│ Moving house\s+│\s+26 │\s+7 │\s+13 │/)
      expect(human.stdout).toMatch(/RETIRE\s+│ 退職\s+│ 退職\s+│ Retirement\s+│\s+10 │\s+6 │\s+15 │/)
      const procedures = await ok(['inventory', 'list', '--entity', 'procedure', '--database', url, '--json'])
      expect(procedures.json.count).toBe(metadata.services.procedures)
      const documents = await ok(['inventory', 'list', '--entity', 'document', '--database', url, '--json'])
      expect(documents.json.count).toBe(metadata.services.documents)
    })

    it('show, history and export → import → export give the same bytes', async () => {
      const a = await freshStore(backend)
      await importSample(a)
      const procedure = await ok(['inventory', 'show', 'MV-22', '--entity', 'procedure', '--database', a, '--json'])
      expect(procedure.json.procedure).toMatchObject({agency: '運輸支局', channel: 'online-partly', fee: '350', systems: ['MLIT-0003']})
      // 1 visit × (70 travel + 50 waiting) + 30 filling in
      expect(procedure.json.citizenMinutesPerCase).toBe('150')
      expect(procedure.json.lifeEvents).toEqual(['MOVE'])
      const document = await ok(['inventory', 'show', 'DOC-JUMINHYO', '--entity', 'document', '--database', a, '--json'])
      expect(document.json.document.authenticSource).toBe(true)
      expect(document.json.requiredBy).toContainEqual({lifeEvent: 'RETIRE', procedure: 'RT-06'})
      const event = await ok(['inventory', 'show', 'RETIRE', '--entity', 'life-event', '--database', a])
      expect(event.stdout).toContain('老齢厚生年金 裁定請求')
      const missing = await cli(['inventory', 'show', 'MOVEE', '--entity', 'life-event', '--database', a])
      expect(missing.exitCode).toBe(4)
      expect(missing.stderr).toContain('did you mean MOVE?')

      const dir = tempDir()
      const kinds = [
        ['procedure', 'procedures'],
        ['document', 'documents'],
        ['life-event', 'life-events'],
      ] as const
      for (const [entity] of kinds) await ok(['inventory', 'export', '--entity', entity, '--database', a, '--output', join(dir, `a-${entity}.csv`)])
      const b = await freshStore(backend)
      await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', b])
      for (const [entity, kind] of kinds) await ok(['inventory', 'import', join(dir, `a-${entity}.csv`), '--kind', kind, '--database', b])
      for (const [entity] of kinds) {
        await ok(['inventory', 'export', '--entity', entity, '--database', b, '--output', join(dir, `b-${entity}.csv`)])
        expect(readFileSync(join(dir, `b-${entity}.csv`))).toEqual(readFileSync(join(dir, `a-${entity}.csv`)))
        const json = (url: string) => ok(['inventory', 'export', '--entity', entity, '--format', 'json', '--database', url])
        expect((await json(b)).stdout).toBe((await json(a)).stdout)
      }
    })

    it('an update is logged field by field; a life event is replaced whole', async () => {
      const url = await freshStore(backend)
      await importSample(url)
      const changed = writeText(
        'p.csv',
        csv(`${PROCEDURE_HEADER},currency,systems`, 'MV-09,転入届,新住所の市区町村役場,municipality,2500000,online-partly,1,40,30,15,18,0,JPY,'),
      )
      const conflict = await cli(['inventory', 'import', changed, '--database', url])
      expect(conflict.exitCode).toBe(3)
      expect(conflict.stderr).toContain('a procedure with this id is already in the store')
      await ok(['inventory', 'import', changed, '--database', url, '--on-conflict', 'update'])
      const history = await ok(['inventory', 'history', 'MV-09', '--entity', 'procedure', '--database', url, '--json'])
      const fields = history.json.entries.filter((entry: {action: string}) => entry.action === 'update')
      expect(fields.map((entry: {field: string; before: string; after: string}) => [entry.field, entry.before, entry.after]).sort()).toEqual([
        ['annualCases', '2400000', '2500000'],
        ['channel', 'counter', 'online-partly'],
        ['staffMinutes', '20', '18'],
        ['waitingMinutes', '45', '30'],
      ])
      const events = writeText('le.csv', csv('life_event,name_ja,procedure,documents', 'RETIRE,退職,RT-01,DOC-HONNIN', 'RETIRE,,RT-09,'))
      const result = await ok(['inventory', 'import', events, '--database', url, '--on-conflict', 'update'])
      // Documents that only the old steps of RETIRE asked for are now required by no procedure: a warning, not a failure.
      expect(result.stderr).toContain('DOC-KIKIN-SHO (企業年金 加入員期間の証明) is required by no procedure of any life event')
      const shown = await ok(['inventory', 'show', 'RETIRE', '--entity', 'life-event', '--database', url, '--json'])
      expect(shown.json.lifeEvent.steps).toEqual([
        {procedureId: 'RT-01', documents: ['DOC-HONNIN']},
        {procedureId: 'RT-09', documents: []},
      ])
      expect(shown.json.counts).toEqual({procedures: 2, agencies: 2, documents: 1})
      const sets = await ok(['inventory', 'history', '--entity', 'life-event', '--database', url, '--json'])
      expect(sets.json.entries).toHaveLength(2)
    })

    it('bad input: clear messages, exit 3, nothing written', async () => {
      const url = await freshStore(backend)
      await importSample(url)
      const before = await changeSets(url)
      const cases: Array<{file: string; kind?: string; messages: string[]}> = [
        {
          file: writeText('le.csv', csv('life_event,name_ja,procedure,documents', 'NEW,新規,MV-01,DOC-HONNIN', 'NEW,,MV-99,DOC-NONE')),
          messages: ['line 3, column 3 (procedure): no procedure has this id (value "MV-99")', 'no document has the id DOC-NONE'],
        },
        {
          file: writeText('le2.csv', csv('life_event,name_ja,procedure', 'NEW,新規,MV-01', 'NEW,別名,MV-02', 'NEW2,,MV-03')),
          kind: 'life-events',
          messages: ['NEW is named "新規" on line 2', 'life event NEW2 has no Japanese name'],
        },
        {
          file: writeText(
            'p.csv',
            csv(PROCEDURE_HEADER, 'P-1,x,y,municipality,-10,counter,1,-5,0,△3,0,0', 'P-2,x,y,municipality,10,online-fully,1,0,0,1,1,-100'),
          ),
          messages: [
            'column 5 (annual_cases): cases must not be negative (value "-10")',
            'column 8 (travel_minutes): minutes must not be negative',
            'column 10 (form_minutes): minutes must not be negative (value "△3")',
            'a procedure done fully online has no counter visits',
            'a fee must not be negative',
          ],
        },
        {
          file: writeText(
            'd.csv',
            csv('id,name,issuer,issuer_level,citizen_minutes,staff_minutes,fee,authentic_source', 'D-1,x,y,county,1,1,0,maybe'),
          ),
          messages: ['column 4 (issuer_level): not one of the accepted values (value "county")', 'not yes or no'],
        },
      ]
      for (const {file, kind, messages} of cases) {
        const result = await cli(['inventory', 'import', file, '--database', url, ...(kind ? ['--kind', kind] : [])])
        expect(result.exitCode, result.stderr).toBe(3)
        expect(result.stderr).toContain('nothing was written')
        for (const message of messages) expect(result.stderr).toContain(message)
      }
      expect(await changeSets(url)).toBe(before)
    })

    it('a store made before the citizens’ side gains its tables on first open, its systems untouched', async () => {
      const url = await freshStore(backend)
      await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', url])
      // Take the store back to the register's first migration, as the previous version left it.
      const {store} = await openStore(url, {create: false})
      try {
        const migrator = new Migrator({db: store.db as Kysely<any>, provider: new StaticMigrationProvider({dialect: store.dialect})})
        const {error} = await migrator.migrateTo('2026-11-23-001-register')
        expect(error).toBeUndefined()
      } finally {
        await store.close()
      }
      const listed = await ok(['inventory', 'list', '--entity', 'life-event', '--database', url, '--json'])
      expect(listed.json.count).toBe(0)
      expect((await ok(['inventory', 'list', '--database', url, '--json'])).json.count).toBe(200)
      await ok(['inventory', 'import', join(SAMPLES, 'procedures.csv'), '--database', url])
    })

    it('reads procedures from a workbook through the same pipeline, naming cells', async () => {
      const url = await freshStore(backend)
      const workbook = new ExcelJS.Workbook()
      const sheet = workbook.addWorksheet('手続一覧')
      sheet.addRow(['手続の一覧（令和7年度）'])
      sheet.addRow([])
      sheet.addRow([
        '手続ID',
        '手続名',
        '担当機関',
        '行政レベル',
        '年間件数',
        '申請方法',
        '来庁回数',
        '移動時間',
        '待ち時間',
        '記入時間',
        '職員処理時間',
        '手数料',
      ])
      sheet.addRow(['W-1', '転入届', '市役所', '市区町村', 1200, '窓口', 1, 30, 20, 10, 15, 0])
      sheet.addRow(['W-2', '納税地の異動届', '税務署', '国', 300, 'オンライン完結', 0, 0, 0, 12, 6, 0])
      const file = join(tempDir(), 'procedures.xlsx')
      await workbook.xlsx.writeFile(file)
      const result = await ok(['inventory', 'import', file, '--database', url, '--json'])
      expect(result.json).toMatchObject({kind: 'procedures', inserted: 2, workbook: {sheet: '手続一覧', headerRows: [3]}})
      const listed = await ok(['inventory', 'list', '--entity', 'procedure', '--database', url, '--json'])
      expect(listed.json.procedures[1]).toMatchObject({id: 'W-2', agencyLevel: 'national', channel: 'online-fully', visitsPerCase: '0'})

      sheet.getCell('E5').value = -3
      const bad = join(tempDir(), 'bad.xlsx')
      await workbook.xlsx.writeFile(bad)
      const failed = await cli(['inventory', 'import', bad, '--database', url, '--on-conflict', 'update'])
      expect(failed.exitCode).toBe(3)
      expect(failed.stderr).toContain('手続一覧!E5')
      expect(failed.stderr).toContain('cases must not be negative')
    })
  })
}

describe('the jp-life-events reference', () => {
  it('prints the seed figure 26/7/13 and 10/6/15 with its words and source', async () => {
    const shown = await ok(['reference', 'show', 'jp-life-events'])
    expect(shown.stdout).toMatch(/MOVE\s+│ 搬遷\s+│\s+26 │\s+7 │\s+13 │ 搬遷－ 最多需26個手續，造訪7個機關 所需文件共13種/)
    expect(shown.stdout).toMatch(/RETIRE\s+│ 退職\s+│\s+10 │\s+6 │\s+15 │ 退職－ 最多需10個手續，造訪6個機關 所需文件共15種/)
    expect(shown.stdout).toContain('Tsai Tzung-je')
    expect(shown.stdout).toContain('no 資料來源 line of its own')
    expect(shown.stdout).not.toContain('✗')
    const json = await ok(['reference', 'show', 'jp-life-events', '--json'])
    expect(
      json.json.lifeEvents.map((row: {procedures: number; agencies: number; documents: number}) => [row.procedures, row.agencies, row.documents]),
    ).toEqual([
      [26, 7, 13],
      [10, 6, 15],
    ])
    expect(json.json.checks.every((check: {ok: boolean}) => check.ok)).toBe(true)
    const listed = await ok(['reference', 'list', '--json'])
    expect(listed.json.tables.map((table: {id: string}) => table.id)).toEqual(['jp-2009'])
    expect(listed.json.lifeEventTables.map((table: {id: string}) => table.id)).toEqual(['jp-life-events'])
  })

  it('a transcription whose numbers disagree with the figure’s words fails its check (exit 7)', async () => {
    const dir = tempDir()
    writeText('jp-life-events.meta.json', readFileSync(join(ROOT, 'data/reference/jp-life-events.meta.json')), {dir})
    writeText('jp-life-events.csv', readFileSync(join(ROOT, 'data/reference/jp-life-events.csv'), 'utf8').replace(',26,7,13,', ',25,7,13,'), {dir})
    const result = await cli(['reference', 'show', 'jp-life-events', '--reference-dir', dir])
    expect(result.exitCode).toBe(7)
    expect(result.stdout).toContain('✗ 搬遷')
    expect(result.stdout).toContain('expected 25/7/13, found 26/7/13')
  })
})
