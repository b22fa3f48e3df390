import {Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {UsageError} from '../../src/domain/errors.js'
import {storeFlags} from '../../src/cli/flags.js'
import {entityFlag, filterFlags, unitFlag, yearFlag} from '../../src/cli/inventory-flags.js'
import {listDocuments, listLifeEvents, listProcedures} from '../../src/store/register.js'
import type {DisplayUnit} from '../../src/domain/money.js'
import {SORT_FIELDS, costsJson, resolveMinistries, sortSystems, systemsWithCosts} from '../../src/inventory/query.js'
import {DEFAULT_LIST_COLUMNS, LIST_COLUMNS, systemListTable, type ListColumn} from '../../src/inventory/tables.js'

export default class InventoryList extends BaseCommand {
  static override summary = 'List systems with their annual cost, or facilities with their latest figures.'
  static override description = `Shows the systems in the register with a totals row. The cost column is the sum of a fiscal year's cost lines (default: the latest year), rounded half-up to the display unit; the total is rounded from the exact sum. Sort with --sort FIELD, or --sort=-FIELD for descending.

Columns: ${Object.keys(LIST_COLUMNS).join(', ')}.
Sort fields: ${SORT_FIELDS.join(', ')}.

--entity facility lists the facilities (data centres, server rooms, colocation, cloud regions) by id, with the figures of the latest reporting period each has; --ministry then filters by agency as the facility names it.

--entity procedure, document or life-event lists the citizens' side of the register. Procedures show their agency, channel, cases per year, visits, citizen minutes per case (visits × (travel + waiting) + filling in), staff minutes and fee; documents their issuer, minutes, fee and whether an authentic source could supply them; life events how many procedures, agencies and documents they involve.`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --ministry mic --category lan,common',
    '<%= config.bin %> <%= command.id %> --sort cost --desc --columns id,name,servers,utilisation,cost',
    '<%= config.bin %> <%= command.id %> --status active --json',
    '<%= config.bin %> <%= command.id %> --entity facility',
    '<%= config.bin %> <%= command.id %> --entity life-event',
    '<%= config.bin %> <%= command.id %> --entity procedure --json',
  ]

  static override flags = {
    ...storeFlags,
    ...entityFlag,
    ...filterFlags,
    ...yearFlag,
    ...unitFlag,
    sort: Flags.string({description: 'Sort by this field.', default: 'id'}),
    desc: Flags.boolean({description: 'Sort descending.'}),
    columns: Flags.string({description: 'Columns to show, comma-separated.', default: DEFAULT_LIST_COLUMNS.join(',')}),
  }

  async run() {
    const {flags} = await this.parse(InventoryList)
    const entity = flags.entity
    if (entity === 'procedure' || entity === 'document' || entity === 'life-event') {
      if (flags.ministry || flags.category || flags.status)
        throw new UsageError('--ministry, --category and --status filter systems only', {suggestion: `leave them out with --entity ${entity}`})
      const store = await this.store(flags.database)
      // The citizens' side and the facilities are loaded only for their lists: systems are the common case.
      const {documentListTable, lifeEventCounts, lifeEventListTable, procedureListTable} = await import('../../src/inventory/services.js')
      if (entity === 'procedure') {
        const procedures = await listProcedures(store)
        if (!this.jsonEnabled()) {
          if (procedures.length === 0) this.note('No procedures in the store.')
          else this.table(procedureListTable(procedures))
        }
        return {formatVersion: JSON_FORMAT_VERSION, entity, count: procedures.length, procedures}
      }
      if (entity === 'document') {
        const documents = await listDocuments(store)
        if (!this.jsonEnabled()) {
          if (documents.length === 0) this.note('No documents in the store.')
          else this.table(documentListTable(documents))
        }
        return {formatVersion: JSON_FORMAT_VERSION, entity, count: documents.length, documents}
      }
      const [events, procedures] = [await listLifeEvents(store), await listProcedures(store)]
      if (!this.jsonEnabled()) {
        if (events.length === 0) this.note('No life events in the store.')
        else this.table(lifeEventListTable(events, procedures))
      }
      const byId = new Map(procedures.map((procedure) => [procedure.id, procedure]))
      return {
        formatVersion: JSON_FORMAT_VERSION,
        entity,
        count: events.length,
        lifeEvents: events.map((event) => ({...event, counts: lifeEventCounts(event, byId)})),
      }
    }
    if (flags.entity === 'facility') {
      if (flags.category?.length || flags.status?.length)
        throw new UsageError('--category and --status apply to systems, not facilities', {
          suggestion: 'leave them out, or filter facilities with --ministry',
        })
      const store = await this.store(flags.database)
      const {facilitiesWithLatest, facilityListTable} = await import('../../src/inventory/facilities.js')
      const facilities = await facilitiesWithLatest(store, flags.ministry)
      if (!this.jsonEnabled()) {
        if (facilities.length === 0) this.note('No facilities match.')
        else this.table(facilityListTable(facilities))
      }
      return {
        formatVersion: JSON_FORMAT_VERSION,
        entity: 'facility',
        count: facilities.length,
        facilities: facilities.map(({facility, latest}) => ({
          ...facility,
          latest: latest === null ? null : (({facilityId: _id, ...rest}) => rest)(latest),
        })),
      }
    }
    const columns = flags.columns.split(',').map((column) => column.trim()) as ListColumn[]
    const unknown = columns.filter((column) => !(column in LIST_COLUMNS))
    if (unknown.length)
      throw new UsageError(`unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
        suggestion: `choose from ${Object.keys(LIST_COLUMNS).join(', ')}`,
      })
    const sortKey = flags.sort
    if (!SORT_FIELDS.includes(sortKey)) throw new UsageError(`cannot sort by ${flags.sort}`, {suggestion: `choose from ${SORT_FIELDS.join(', ')}`})

    const store = await this.store(flags.database)
    const ministry = await resolveMinistries(store, flags.ministry)
    const {systems, year, costs} = await systemsWithCosts(store, {ministry, category: flags.category, status: flags.status}, flags.year)
    const sorted = sortSystems(systems, flags.desc ? `-${sortKey}` : sortKey, costs)
    if (!this.jsonEnabled()) {
      if (sorted.length === 0) this.note('No systems match.')
      else this.table(systemListTable(sorted, {columns, costs, year, unit: flags.unit as DisplayUnit}))
    }
    return {
      formatVersion: JSON_FORMAT_VERSION,
      fiscalYear: year ?? null,
      costUnit: 'currency units (JPY: yen), exact decimal strings',
      count: sorted.length,
      systems: sorted.map((system) => ({...system, cost: costsJson(costs.get(system.id))})),
    }
  }
}
