import {Args} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {NotFoundError} from '../../src/domain/errors.js'
import {storeFlags} from '../../src/cli/flags.js'
import {unitFlag} from '../../src/cli/inventory-flags.js'
import type {DisplayUnit} from '../../src/domain/money.js'
import {systemDetail, systemDetailTables} from '../../src/inventory/detail.js'
import {findSystem, listSystems} from '../../src/store/register.js'
import {closest} from '../../src/domain/text-match.js'

export default class InventoryShow extends BaseCommand {
  static override summary = 'Show one system: its fields and its costs by fiscal year and pool.'
  static override examples = ['<%= config.bin %> <%= command.id %> MIC-0001', '<%= config.bin %> <%= command.id %> MIC-0001 --unit yen --json']
  static override args = {id: Args.string({description: 'system id', required: true})}
  static override flags = {...storeFlags, ...unitFlag}

  async run() {
    const {args, flags} = await this.parse(InventoryShow)
    const store = await this.store(flags.database)
    const system = await findSystem(store, args.id)
    if (!system) {
      const guess = closest(
        args.id,
        (await listSystems(store)).map((s) => s.id),
      )
      throw new NotFoundError(`no system with id ${args.id}`, {suggestion: guess ? `did you mean ${guess}?` : 'see `kasumi inventory list`'})
    }
    const detail = await systemDetail(store, system)
    if (!this.jsonEnabled()) for (const table of systemDetailTables(detail, flags.unit as DisplayUnit)) this.table(table)
    return {formatVersion: JSON_FORMAT_VERSION, ...detail.json}
  }
}
