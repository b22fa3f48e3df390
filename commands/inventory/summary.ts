import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {storeFlags} from '../../src/cli/flags.js'
import {unitFlag, yearFlag} from '../../src/cli/inventory-flags.js'
import type {DisplayUnit} from '../../src/domain/money.js'
import {canonical} from '../../src/domain/money.js'
import {systemsWithCosts} from '../../src/inventory/query.js'
import {mergeCosts, ministrySummaryTable} from '../../src/inventory/tables.js'
import {listMinistries} from '../../src/store/register.js'

export default class InventorySummary extends BaseCommand {
  static override summary = 'Systems and annual cost by ministry.'
  static override description =
    "Counts systems by category and sums servers, processing hours and one fiscal year's cost lines for each ministry, in the ministries' display order, with a totals row."
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --year 2010 --unit million-yen',
    '<%= config.bin %> <%= command.id %> --json',
  ]
  static override flags = {...storeFlags, ...yearFlag, ...unitFlag}

  async run() {
    const {flags} = await this.parse(InventorySummary)
    const store = await this.store(flags.database)
    const ministries = await listMinistries(store)
    const {systems, year, costs} = await systemsWithCosts(store, {}, flags.year)
    if (!this.jsonEnabled())
      this.table({
        ...ministrySummaryTable(ministries, systems, costs, year, flags.unit as DisplayUnit),
        title: `Register at ${store.location}: ${systems.length} systems`,
      })
    const byMinistry = ministries
      .map((ministry) => {
        const list = systems.filter((system) => system.ministry === ministry.code)
        return {
          ministry: ministry.code,
          name: ministry.nameJa ?? ministry.nameZh,
          systems: list.length,
          cost: Object.fromEntries([...mergeCosts(list.map((s) => costs.get(s.id)))].map(([c, a]) => [c, canonical(a)])),
        }
      })
      .filter((row) => row.systems > 0)
    return {
      formatVersion: JSON_FORMAT_VERSION,
      fiscalYear: year ?? null,
      costUnit: 'currency units (JPY: yen), exact decimal strings',
      systems: systems.length,
      byMinistry,
      total: Object.fromEntries([...mergeCosts([...costs.values()])].map(([c, a]) => [c, canonical(a)])),
    }
  }
}
