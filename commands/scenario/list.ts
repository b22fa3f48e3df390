import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {InvalidInputError} from '../../src/domain/errors.js'
import type {TableData} from '../../src/domain/table.js'
import {loadScenario} from '../../src/estimate/scenario.js'
import {SCENARIO_DIR} from '../../src/platform/paths.js'
import {bundledScenarioNames, locateScenario} from '../../src/ingest/scenarios.js'

interface ListedScenario {
  name: string
  file: string
  valid: boolean
  title?: string
  baseYear?: number
  horizon?: [number, number]
  currency?: string
  measures?: Array<{id: string; type: string}>
  assumptions?: number
  problems?: number
}

export default class ScenarioList extends BaseCommand {
  static override summary = 'List the scenarios kasumi ships with.'
  static override description = `Bundled scenarios live in kasumi's data/scenarios folder and are run by name: \`kasumi estimate --scenario NAME\`. Listing reads and checks each one; a damaged file is listed as invalid, with a pointer to \`kasumi scenario validate\`.`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run() {
    await this.parse(ScenarioList)
    const scenarios: ListedScenario[] = []
    for (const name of await bundledScenarioNames()) {
      const file = await locateScenario(name)
      try {
        const {scenario} = await loadScenario(file)
        scenarios.push({
          name: scenario.name,
          file,
          valid: true,
          title: scenario.title,
          baseYear: scenario.baseYear,
          horizon: scenario.horizon,
          currency: scenario.currency,
          measures: scenario.measures.map((measure) => ({id: measure.id, type: measure.type})),
          assumptions: scenario.assumptions.length,
        })
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error
        scenarios.push({name, file, valid: false, problems: error.totalIssues})
      }
    }
    if (!this.jsonEnabled()) {
      if (scenarios.length === 0) this.note(`No scenarios in ${SCENARIO_DIR}.`)
      else this.table(listTable(scenarios))
      for (const broken of scenarios.filter((scenario) => !scenario.valid)) {
        this.warning(`${broken.name}: ${broken.problems} problem${broken.problems === 1 ? '' : 's'}; see \`kasumi scenario validate ${broken.file}\`.`)
      }
    }
    return {formatVersion: JSON_FORMAT_VERSION, directory: SCENARIO_DIR, scenarios}
  }
}

/** One row per scenario; the measure types wrap onto lines of their own. */
function listTable(scenarios: ListedScenario[]): TableData {
  const rows = scenarios.map((scenario) => {
    if (!scenario.valid) return [scenario.name, '(invalid)', '', '', '']
    const types = [...new Set(scenario.measures!.map((measure) => measure.type))]
    const lines: string[] = []
    for (const type of types) {
      if (lines.length > 0 && lines.at(-1)!.length + type.length + 2 <= 40) lines[lines.length - 1] += `, ${type}`
      else lines.push(type)
    }
    return [scenario.name, scenario.title ?? '', `FY${scenario.baseYear}`, `FY${scenario.horizon![0]}–FY${scenario.horizon![1]}`, `${scenario.measures!.length}: ${lines.join(',\n')}`]
  })
  return {title: `Bundled scenarios (${SCENARIO_DIR})`, head: ['name', 'title', 'base year', 'horizon', 'measures'], rows, align: ['left', 'left', 'left', 'left', 'left']}
}
