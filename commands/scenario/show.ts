import {Args} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {loadScenario} from '../../src/estimate/scenario.js'
import {locateScenario} from '../../src/ingest/scenarios.js'
import {shownMeasures} from '../../src/estimate/scenario-view.js'
import {
  assumptionLines,
  scenarioMeasuresTable,
  scenarioParametersTable,
  scenarioSettingsTable,
  serviceMeasuresTable,
} from '../../src/estimate/tables.js'

export default class ScenarioShow extends BaseCommand {
  static override summary = 'Show a scenario as kasumi reads it: settings, measures with their parameters, assumptions.'
  static override description = `Reads and checks a scenario file or a bundled scenario, then shows what the estimate will use: the settings (base year, horizon, currency, money unit, discounting, inflation, hours per FTE), each measure in the order it applies — which systems it selects, start, ramp, timing, one-time costs — and every parameter with its range when it is uncertain (low, base, high, distribution), including the defaults the file leaves out; and the assumptions register. A parameter is marked documented when the register has an entry with its id (<measure id>.<parameter>).

Money parameters are in the scenario's money unit (千円 for moneyUnit: thousand and JPY).`
  static override examples = [
    '<%= config.bin %> <%= command.id %> kasumigaseki-cloud',
    '<%= config.bin %> <%= command.id %> ./my-scenario.yaml',
    '<%= config.bin %> <%= command.id %> joint-use --json',
  ]

  static override args = {
    scenario: Args.string({description: 'Scenario file (YAML or JSON), or the name of a bundled scenario.', required: true}),
  }

  async run() {
    const {args} = await this.parse(ScenarioShow)
    const file = await locateScenario(args.scenario)
    const {scenario, warnings} = await loadScenario(file)
    this.warnIssues(warnings)
    const measures = shownMeasures(scenario)
    if (!this.jsonEnabled()) {
      this.table(scenarioSettingsTable(scenario))
      this.table(scenarioMeasuresTable(scenario))
      this.table(scenarioParametersTable(scenario, measures))
      const services = serviceMeasuresTable(scenario)
      if (services) this.table(services)
      for (const line of assumptionLines(scenario.assumptions)) this.log(line)
    }
    return {
      formatVersion: JSON_FORMAT_VERSION,
      scenario: {
        name: scenario.name,
        title: scenario.title,
        description: scenario.description,
        file,
        baseYear: scenario.baseYear,
        horizon: scenario.horizon,
        currency: scenario.currency,
        moneyUnit: scenario.moneyUnit,
        discount: scenario.discount,
        inflation: scenario.inflation,
        hoursPerFte: scenario.hoursPerFte,
        hourlyCost: scenario.hourlyCost,
        exchangeRates: scenario.exchangeRates,
      },
      measures,
      serviceMeasures: (scenario.services?.measures ?? []).map(({id, type, start, appliesTo, ramp, params}) => ({
        id,
        type,
        start,
        appliesTo,
        ramp: ramp.map((step) => step.base),
        parameters: Object.fromEntries(Object.entries(params).map(([name, value]) => [name, value.base])),
      })),
      assumptions: scenario.assumptions,
      warnings,
    }
  }
}
