import {Args, Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {actorFlag, storeFlags} from '../../src/cli/flags.js'
import {parseAssignments, updateSystemFields} from '../../src/inventory/edit.js'
import {changesTable} from '../../src/inventory/tables.js'

export default class InventoryUpdate extends BaseCommand {
  static override summary = 'Change fields of a system.'
  static override description =
    'Each --set field=value is checked with the same rules as an import (field names as in the CSV header, in English, Japanese or Chinese). The change is logged field by field with before and after.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> MIC-0001 --set status=migrating',
    '<%= config.bin %> <%= command.id %> MIC-0001 --set utilisation_pct=35.5 --set physical_servers=12',
    '<%= config.bin %> <%= command.id %> MOF-0003 --set eligibility=must-stay --set eligibility_reason=機密情報を扱うため --dry-run',
  ]

  static override args = {id: Args.string({description: 'system id', required: true})}
  static override flags = {
    ...storeFlags,
    ...actorFlag,
    set: Flags.string({description: 'field=value to set (repeatable); an empty value clears the field.', multiple: true, required: true}),
    'dry-run': Flags.boolean({description: 'Show what would change; write nothing.'}),
  }

  async run() {
    const {args, flags} = await this.parse(InventoryUpdate)
    const values = parseAssignments(flags.set)
    const store = await this.store(flags.database)
    const result = await updateSystemFields(store, args.id, values, {
      actor: flags.actor,
      dryRun: flags['dry-run'],
      command: `kasumi inventory update ${args.id} ${flags.set.map((s) => `--set ${s}`).join(' ')}`,
    })
    if (!this.jsonEnabled()) {
      if (result.changes.length === 0) this.note(`${args.id}: nothing to change.`)
      else this.table(changesTable(result.changes))
      if (result.dryRun) this.note('Dry run: nothing was written.')
      else if (result.changes.length > 0) this.success(`Updated ${args.id} (change set ${result.changeSetId}).`)
    }
    return {formatVersion: JSON_FORMAT_VERSION, id: args.id, ...result}
  }
}
