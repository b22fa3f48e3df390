import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base.js'
import {storeFlags} from '../../src/cli/flags.js'
import {unitFlag} from '../../src/cli/inventory-flags.js'
import type {DisplayUnit} from '../../src/domain/money.js'
import {DIFF_DIMENSIONS, DIFF_METRICS, runDiff, type DiffDimension, type DiffMetric} from '../../src/estimate/diff.js'
import {diffGroupTable, diffTotalTable} from '../../src/estimate/tables.js'
import {listMinistries} from '../../src/store/register.js'

export default class EstimateDiff extends BaseCommand {
  static override summary = 'Compare two scenarios on the same register: A, B, B − A and the change, by ministry and in total.'
  static override description = `Runs scenario A and scenario B (files, or bundled scenarios by name) on the register, as \`kasumi estimate\` does, and sets them side by side: run-rate savings (the last horizon year), savings, cost avoidance and one-time costs over the horizon, net, NPV, payback year and processing hours saved per year — for each ministry (or measure, category, business area) and in total, with B − A and the change in percent ((B − A) ÷ |A|; n/a when A is 0).

The total row equals the difference of the two estimates' totals; the rows add up to it, except NPV, which is rounded to the yen per row (the JSON gives the rounding residue). With --json, amounts are exact decimal strings in the scenarios' currency.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> joint-use kasumigaseki-cloud',
    '<%= config.bin %> <%= command.id %> lan-consolidation kasumigaseki-cloud --by measure --unit million-yen',
    '<%= config.bin %> <%= command.id %> kasumigaseki-cloud ./my-scenario.yaml --metric net,npv',
    '<%= config.bin %> <%= command.id %> kasumigaseki-cloud joint-use --json',
  ]

  static override args = {
    a: Args.string({description: 'Scenario A (the reference): a file, or the name of a bundled scenario.', required: true}),
    b: Args.string({description: 'Scenario B (compared with A): a file, or the name of a bundled scenario.', required: true}),
  }

  static override flags = {
    ...storeFlags,
    ...unitFlag,
    by: Flags.string({description: 'Compare by this.', options: [...DIFF_DIMENSIONS], default: 'ministry'}),
    metric: Flags.string({
      description: 'Figures shown by group in the tables (comma-separated; default: all). JSON always has all.',
      options: [...DIFF_METRICS],
      multiple: true,
      delimiter: ',',
    }),
  }

  async run() {
    const {args, flags} = await this.parse(EstimateDiff)
    const store = await this.store(flags.database)
    const by = flags.by as DiffDimension
    const {diff, warnings, comparison} = await runDiff(store, args.a, args.b, {by})
    this.warnIssues(warnings)
    for (const warning of comparison) this.warning(warning)
    if (!this.jsonEnabled()) {
      const unit = flags.unit as DisplayUnit
      this.table(diffTotalTable(diff, unit))
      let labels = new Map<string, string>()
      if (by === 'ministry') labels = new Map((await listMinistries(store)).map((m) => [m.code, `${m.code} ${m.nameJa ?? m.nameZh}`]))
      for (const metric of (flags.metric ?? DIFF_METRICS) as DiffMetric[]) this.table(diffGroupTable(diff, metric, unit, labels))
    }
    return diff
  }
}
