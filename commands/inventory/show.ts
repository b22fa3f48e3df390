import {Args} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {NotFoundError} from '../../src/domain/errors.js'
import {storeFlags} from '../../src/cli/flags.js'
import {entityFlag, unitFlag} from '../../src/cli/inventory-flags.js'
import {facilityDetail, facilityDetailTables} from '../../src/inventory/facilities.js'
import {serviceDetail} from '../../src/inventory/services.js'
import type {DisplayUnit} from '../../src/domain/money.js'
import {systemDetail, systemDetailTables} from '../../src/inventory/detail.js'
import {findFacility, findSystem, listFacilities, listSystems} from '../../src/store/register.js'
import {closest} from '../../src/domain/text-match.js'

export default class InventoryShow extends BaseCommand {
  static override summary =
    'Show one system (its fields and its costs by fiscal year and pool), one facility (its fields and figures by period), or one procedure, document or life event.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> MIC-0001',
    '<%= config.bin %> <%= command.id %> MIC-0001 --unit yen --json',
    '<%= config.bin %> <%= command.id %> DCOI-DC-10001 --entity facility',
    '<%= config.bin %> <%= command.id %> MOVE --entity life-event',
    '<%= config.bin %> <%= command.id %> DOC-JUMINHYO --entity document --json',
  ]
  static override args = {
    id: Args.string({description: 'system id (or facility, procedure, document or life event id with --entity)', required: true}),
  }
  static override flags = {...storeFlags, ...entityFlag, ...unitFlag}

  async run() {
    const {args, flags} = await this.parse(InventoryShow)
    const store = await this.store(flags.database)
    const entity = flags.entity
    if (entity === 'procedure' || entity === 'document' || entity === 'life-event') {
      const detail = await serviceDetail(store, entity, args.id)
      if (!this.jsonEnabled())
        for (const [index, table] of detail.tables.entries()) {
          if (index > 0) this.log('')
          this.table(table)
        }
      return {formatVersion: JSON_FORMAT_VERSION, entity, ...detail.json}
    }
    if (flags.entity === 'facility') {
      const facility = await findFacility(store, args.id)
      if (!facility) {
        const guess = closest(
          args.id,
          (await listFacilities(store)).map((f) => f.id),
        )
        throw new NotFoundError(`no facility with id ${args.id}`, {
          suggestion: guess ? `did you mean ${guess}?` : 'see `kasumi inventory list --entity facility`',
        })
      }
      const detail = await facilityDetail(store, facility)
      if (!this.jsonEnabled()) for (const table of facilityDetailTables(detail)) this.table(table)
      return {
        formatVersion: JSON_FORMAT_VERSION,
        entity: 'facility',
        facility,
        metrics: detail.metrics.map(({facilityId: _id, ...rest}) => rest),
        systems: detail.systems,
      }
    }
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
