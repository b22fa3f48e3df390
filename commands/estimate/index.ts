import {Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base.js'
import {storeFlags} from '../../src/cli/flags.js'
import {unitFlag} from '../../src/cli/inventory-flags.js'
import type {DisplayUnit} from '../../src/domain/money.js'
import type {Dimension} from '../../src/estimate/engine.js'
import {runEstimate, type EstimateRun} from '../../src/estimate/run.js'
import {DEFAULT_SEED, analyseUncertainty, uncertainParameters} from '../../src/estimate/uncertainty.js'
import {effectsTable, groupTable, sensitivityTable, summaryLines, uncertaintyTable, yearTable} from '../../src/estimate/tables.js'
import {listMinistries} from '../../src/store/register.js'

export default class Estimate extends BaseCommand {
  static override summary = 'Estimate what consolidation saves, year by year and ministry by ministry.'
  static override description = `Runs a scenario (a YAML or JSON file, or a bundled scenario by name) on the register: a yearly ledger per system and measure — baseline, scenario cost, cash-releasing savings, cost avoidance (planned one-time costs no longer needed), one-time costs, net and cumulative — with NPV, payback year, processing hours saved and FTE, rolled up by ministry, category, business area, measure, system or year. --effects adds the view in the layout of the 2009 optimization-effects table.

Money is exact: integers of the currency's minor unit, ratios applied with half-away-from-zero rounding per ledger cell, totals as exact sums. Tables round half-up to the display unit.

Uncertainty: any numeric parameter may be {low, base, high} (PERT by default, or distribution: triangular). --simulate N runs a seeded Monte Carlo of N exact evaluations (each sampled value rounded to 6 decimals) and reports P10, P50 and P90 (nearest rank) of NPV, run-rate savings and payback year, with the share of runs that never pay back; the same --seed gives the same figures on every machine and with any --workers. --sensitivity ranks the uncertain parameters by how far NPV swings between their low and their high, the others at base. A scenario without uncertain parameters gets a warning and no simulation (exit 0; "uncertainty": null in --json). A progress bar goes to stderr when it is a terminal.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --scenario kasumigaseki-cloud',
    '<%= config.bin %> <%= command.id %> --scenario kasumigaseki-cloud --by measure --effects',
    '<%= config.bin %> <%= command.id %> --scenario ./my-scenario.yaml --by ministry --from 2010 --to 2012 --json',
    '<%= config.bin %> <%= command.id %> --scenario kasumigaseki-cloud --simulate 1000 --seed 42',
    '<%= config.bin %> <%= command.id %> --scenario kasumigaseki-cloud --sensitivity --json',
  ]

  static override flags = {
    ...storeFlags,
    ...unitFlag,
    scenario: Flags.string({char: 'S', description: 'Scenario file, or the name of a bundled scenario.', required: true}),
    by: Flags.string({
      description: 'Roll the estimate up by this.',
      options: ['ministry', 'category', 'area', 'measure', 'system', 'year'],
      default: 'ministry',
    }),
    from: Flags.integer({description: 'First fiscal year shown and summed (NPV and payback always use the whole horizon).'}),
    to: Flags.integer({description: 'Last fiscal year shown and summed.'}),
    effects: Flags.boolean({description: "Also print the optimization-effects view (the 2009 table's layout)."}),
    simulate: Flags.integer({
      description: 'Run a seeded Monte Carlo of this many runs over the uncertain parameters ({low, base, high}).',
      min: 1,
      max: 1_000_000,
      helpGroup: 'UNCERTAINTY',
    }),
    seed: Flags.integer({
      description: `Seed of the Monte Carlo (default ${DEFAULT_SEED}); the same seed gives the same figures on every machine.`,
      dependsOn: ['simulate'],
      min: -Number.MAX_SAFE_INTEGER,
      max: Number.MAX_SAFE_INTEGER,
      helpGroup: 'UNCERTAINTY',
    }),
    sensitivity: Flags.boolean({
      description: 'Rank the uncertain parameters by NPV swing, each at its low and at its high (a tornado).',
      helpGroup: 'UNCERTAINTY',
    }),
    workers: Flags.integer({
      description: 'Worker threads for --simulate and --sensitivity (default: 2, or 1 on a one-core machine). The figures do not depend on it.',
      min: 1,
      max: 64,
      relationships: [{type: 'some', flags: ['simulate', 'sensitivity']}],
      helpGroup: 'UNCERTAINTY',
    }),
  }

  async run() {
    const {flags} = await this.parse(Estimate)
    const store = await this.store(flags.database)
    const run = await runEstimate(store, flags.scenario, {by: flags.by as Dimension | 'year', from: flags.from, to: flags.to})
    this.warnIssues(run.warnings, {compact: true})
    if (!this.jsonEnabled()) {
      const unit = flags.unit as DisplayUnit
      for (const line of summaryLines(run.result, unit)) this.log(line)
      this.table(yearTable(run.result, unit))
      if (flags.by !== 'year') {
        const ministries = await listMinistries(store)
        const labels =
          flags.by === 'ministry' ? new Map(ministries.map((m) => [m.code, `${m.code} ${m.nameJa ?? m.nameZh}`])) : new Map<string, string>()
        this.table(groupTable(run.result, unit, labels))
      }
      if (flags.effects) {
        const ministries = await listMinistries(store)
        this.table(effectsTable(run.result, new Map(ministries.map((m) => [m.code, m.nameJa ?? m.nameZh]))))
      }
    }
    const warnings = [...run.result.warnings, ...run.warnings.map((warning) => warning.message)]
    const uncertain = flags.simulate !== undefined || flags.sensitivity ? await this.uncertainty(run, flags, warnings) : {}
    return {...run.result, warnings, ...uncertain}
  }

  /** --simulate and --sensitivity: evaluations on worker threads, tables after the deterministic ones. */
  private async uncertainty(
    run: EstimateRun,
    flags: {simulate?: number; seed?: number; sensitivity: boolean; workers?: number; unit: string},
    warnings: string[],
  ) {
    if (uncertainParameters(run.scenario).length === 0) {
      const message = `scenario ${run.scenario.name} has no uncertain parameter: give a parameter as {low, base, high} to ${flags.simulate === undefined ? 'rank parameters' : 'simulate'}; the estimate above is exact`
      this.warning(message)
      warnings.push(message)
    }
    const progress = this.progress()
    let out: Awaited<ReturnType<typeof analyseUncertainty>>
    try {
      out = await analyseUncertainty(run.scenario, run.systems, {...flags, onProgress: (done, total, what) => progress.bar(done, total, what)})
    } finally {
      progress.clear()
    }
    if (!this.jsonEnabled()) {
      const unit = flags.unit as DisplayUnit
      if (out.uncertainty) this.table(uncertaintyTable(out.uncertainty, run.scenario.currency, unit))
      if (out.sensitivity?.length) this.table(sensitivityTable(out.sensitivity, run.scenario.currency, unit, run.result.totals.npv))
    }
    return out
  }
}
