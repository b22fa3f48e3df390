import {Args, Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {NotFoundError} from '../../src/domain/errors.js'
import {storeFlags} from '../../src/cli/flags.js'
import {historyTable} from '../../src/inventory/tables.js'
import {changeHistory, findFacility, findSystem, hasChangesFor} from '../../src/store/register.js'
import {entityFlag, type Entity} from '../../src/cli/inventory-flags.js'

export default class InventoryHistory extends BaseCommand {
  static override summary = 'Show the change log of the store, or of one system, facility, procedure, document or life event.'
  static override description =
    'Without an id: one line per change set (init, imports with their file and SHA-256, additions, updates, retirements). With a system id: every change to that system, field by field with before and after, and the imports that brought its cost lines. With --entity facility and a facility id: every change to that facility, field by field, and the figures of each period as they were added or changed (named with their period, e.g. total_servers 2024-Q4). With --entity procedure, document or life-event: the change sets that touched that side of the register, or with an id every change to that entry.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> MIC-0001',
    '<%= config.bin %> <%= command.id %> --limit 20 --json',
    '<%= config.bin %> <%= command.id %> DCOI-DC-10001 --entity facility',
    '<%= config.bin %> <%= command.id %> MV-09 --entity procedure',
  ]
  static override args = {id: Args.string({description: 'system id (or facility, procedure, document or life event id with --entity)'})}
  static override flags = {
    ...storeFlags,
    ...entityFlag,
    limit: Flags.integer({description: 'Show at most this many entries, newest first.', default: 200, min: 1}),
  }

  async run() {
    const {args, flags} = await this.parse(InventoryHistory)
    const store = await this.store(flags.database)
    const entity = flags.entity as Entity
    if (entity === 'procedure' || entity === 'document' || entity === 'life-event') {
      if (args.id !== undefined && !(await hasChangesFor(store, args.id, entity)))
        throw new NotFoundError(`no ${entity.replace('-', ' ')} with id ${args.id} in the change log`, {
          suggestion: `see \`kasumi inventory list --entity ${entity}\``,
        })
    } else if (args.id !== undefined && !(await (entity === 'facility' ? findFacility(store, args.id) : findSystem(store, args.id)))) {
      if (!(await hasChangesFor(store, args.id))) throw new NotFoundError(`no ${entity} with id ${args.id} and no history for it`)
    }
    const entries = await changeHistory(store, {entityId: args.id, entity, limit: flags.limit})
    if (!this.jsonEnabled()) {
      if (entries.length === 0) this.note('No changes recorded.')
      else this.table(historyTable(entries))
    }
    return {formatVersion: JSON_FORMAT_VERSION, entity, id: args.id ?? null, entries}
  }
}
