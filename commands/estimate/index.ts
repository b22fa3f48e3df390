import {Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base.js'
import {storeFlags} from '../../src/cli/flags.js'
import {unitFlag} from '../../src/cli/inventory-flags.js'
import type {DisplayUnit} from '../../src/domain/money.js'
import type {Dimension} from '../../src/estimate/engine.js'
import {runEstimate} from '../../src/estimate/run.js'
import {effectsTable, groupTable, summaryLines, yearTable} from '../../src/estimate/tables.js'
import {listMinistries} from '../../src/store/repositories/ministries.js'

export default class Estimate extends BaseCommand {
  static override summary = 'Estimate what consolidation saves, year by year and ministry by ministry.'
  static override description = `Runs a scenario (a YAML or JSON file, or a bundled scenario by name) on the register: a yearly ledger per system and measure — baseline, scenario cost, cash-releasing savings, cost avoidance (planned one-time costs no longer needed), one-time costs, net and cumulative — with NPV, payback year, processing hours saved and FTE, rolled up by ministry, category, business area, measure, system or year. --effects adds the view in the layout of the 2009 optimization-effects table.

Money is exact: integers of the currency's minor unit, ratios applied with half-away-from-zero rounding per ledger cell, totals as exact sums. Tables round half-up to the display unit.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --scenario kasumigaseki-cloud',
    '<%= config.bin %> <%= command.id %> --scenario kasumigaseki-cloud --by measure --effects',
    '<%= config.bin %> <%= command.id %> --scenario ./my-scenario.yaml --by ministry --from 2010 --to 2012 --json',
  ]

  static override flags = {
    ...storeFlags,
    ...unitFlag,
    scenario: Flags.string({char: 'S', description: 'Scenario file, or the name of a bundled scenario.', required: true}),
    by: Flags.string({description: 'Roll the estimate up by this.', options: ['ministry', 'category', 'area', 'measure', 'system', 'year'], default: 'ministry'}),
    from: Flags.integer({description: 'First fiscal year shown and summed (NPV and payback always use the whole horizon).'}),
    to: Flags.integer({description: 'Last fiscal year shown and summed.'}),
    effects: Flags.boolean({description: 'Also print the optimization-effects view (the 2009 table\'s layout).'}),
  }

  async run() {
    const {flags} = await this.parse(Estimate)
    const store = await this.store(flags.database)
    const run = await runEstimate(store, flags.scenario, {by: flags.by as Dimension | 'year', from: flags.from, to: flags.to})
    for (const warning of run.warnings) this.warning(`${warning.file ?? ''}${warning.line ? `:${warning.line}` : ''} ${warning.column ?? ''}: ${warning.message}`)
    if (!this.jsonEnabled()) {
      const unit = flags.unit as DisplayUnit
      for (const line of summaryLines(run.result, unit)) this.log(line)
      this.table(yearTable(run.result, unit))
      if (flags.by !== 'year') {
        const ministries = await listMinistries(store.db)
        const labels = flags.by === 'ministry' ? new Map(ministries.map((m) => [m.code, `${m.code} ${m.nameJa ?? m.nameZh}`])) : new Map<string, string>()
        this.table(groupTable(run.result, unit, labels))
      }
      if (flags.effects) {
        const ministries = await listMinistries(store.db)
        this.table(effectsTable(run.result, new Map(ministries.map((m) => [m.code, m.nameJa ?? m.nameZh]))))
      }
    }
    return {...run.result, warnings: [...run.result.warnings, ...run.warnings.map((warning) => warning.message)]}
  }
}
