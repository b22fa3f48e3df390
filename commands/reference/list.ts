import {Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {REFERENCE_DIR} from '../../src/platform/paths.js'
import {listReferenceTables, referenceIdsByLayout} from '../../src/reference/jp2009.js'
import {LIFE_EVENT_LAYOUT, loadLifeEventReference} from '../../src/reference/life-events.js'
import {LANGS, type Lang} from '../../src/domain/lang.js'
import {DEFAULT_LANG, listTable} from '../../src/reference/tables.js'

export default class ReferenceList extends BaseCommand {
  static override summary = 'List the published reference tables kasumi ships with.'
  static override description = `Each table is a CSV file with a <id>.meta.json file beside it (title, source, publication date, units). Listing loads every table, so a damaged file is reported here with its line and column.`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --lang en',
    '<%= config.bin %> <%= command.id %> --json',
  ]

  static override flags = {
    lang: Flags.string({description: 'Language of the headings and titles.', options: [...LANGS], default: DEFAULT_LANG}),
    'reference-dir': Flags.string({
      description: 'Read reference tables from this folder (each a CSV file with its <id>.meta.json) instead of the ones kasumi ships with.',
      env: 'KASUMI_REFERENCE_DIR',
    }),
  }

  async run() {
    const {flags} = await this.parse(ReferenceList)
    const folder = flags['reference-dir'] ?? REFERENCE_DIR
    const tables = await listReferenceTables(folder)
    const lifeEventTables = []
    for (const [id, layout] of await referenceIdsByLayout(folder))
      if (layout === LIFE_EVENT_LAYOUT) lifeEventTables.push(await loadLifeEventReference(id, folder))
    const lang = flags.lang as Lang
    if (!this.jsonEnabled()) {
      if (tables.length + lifeEventTables.length === 0) this.note(`No reference tables in ${folder}.`)
      else {
        const list = listTable(tables, lang)
        for (const reference of lifeEventTables)
          list.rows.push([
            reference.meta.id,
            reference.meta.title[lang],
            '-',
            String(reference.rows.length),
            'procedures, agencies, kinds of documents',
          ])
        this.table(list)
      }
      for (const table of tables.filter((candidate) => candidate.checks.some((check) => !check.ok))) {
        this.warning(`${table.meta.id}: a reconciliation check fails; see \`kasumi reference show ${table.meta.id}\`.`)
      }
    }
    return {
      formatVersion: JSON_FORMAT_VERSION,
      tables: tables.map((table) => ({
        id: table.meta.id,
        title: table.meta.title,
        published: table.meta.published,
        rows: table.rows.length,
        units: table.meta.units,
        estimate: table.meta.estimate,
        checksPassed: table.checks.every((check) => check.ok),
      })),
      lifeEventTables: lifeEventTables.map((reference) => ({
        id: reference.meta.id,
        layout: LIFE_EVENT_LAYOUT,
        title: reference.meta.title,
        rows: reference.rows.length,
        checksPassed: reference.checks.every((check) => check.ok),
      })),
    }
  }
}
