import {Args} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {loadScenario} from '../../src/estimate/scenario.js'
import {locateScenario} from '../../src/ingest/scenarios.js'

export default class ScenarioValidate extends BaseCommand {
  static override summary = "Check a scenario file against the schema and kasumi's rules."
  static override description = `Reads the scenario as \`kasumi estimate\` would: YAML syntax, the JSON Schema (data/scenarios/schema.json: known keys, measure types and their parameters, required values), then ranges, uncertain values (low ≤ base ≤ high), unique measure ids, horizon and base year.

Prints "valid" and any warnings, exit 0; or every problem found, each with its line and key path, exit 3. The register is not read: a measure that selects no system is reported by \`kasumi estimate\`.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> my-scenario.yaml',
    '<%= config.bin %> <%= command.id %> kasumigaseki-cloud',
    '<%= config.bin %> <%= command.id %> my-scenario.yaml --json',
  ]

  static override args = {
    file: Args.string({description: 'Scenario file (YAML or JSON), or the name of a bundled scenario.', required: true}),
  }

  async run() {
    const {args} = await this.parse(ScenarioValidate)
    const file = await locateScenario(args.file)
    const {scenario, warnings} = await loadScenario(file)
    this.warnIssues(warnings)
    if (!this.jsonEnabled()) {
      const parts = [
        `${scenario.measures.length} measure${scenario.measures.length === 1 ? '' : 's'}`,
        `${scenario.assumptions.length} assumption${scenario.assumptions.length === 1 ? '' : 's'}`,
      ]
      if (warnings.length > 0) parts.push(`${warnings.length} warning${warnings.length === 1 ? '' : 's'}`)
      this.log(`${file}: valid (scenario ${scenario.name}, ${parts.join(', ')})`)
    }
    return {
      formatVersion: JSON_FORMAT_VERSION,
      valid: true,
      file,
      name: scenario.name,
      measures: scenario.measures.length,
      assumptions: scenario.assumptions.length,
      warnings,
    }
  }
}
