import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {SCENARIO_DIR} from '../../src/platform/paths.js'
import {listBundledScenarios} from '../../src/estimate/scenario-view.js'
import {scenarioListTable} from '../../src/estimate/tables.js'

export default class ScenarioList extends BaseCommand {
  static override summary = 'List the scenarios kasumi ships with.'
  static override description = `Bundled scenarios live in kasumi's data/scenarios folder and are run by name: \`kasumi estimate --scenario NAME\`. Listing reads and checks each one; a damaged file is listed as invalid, with a pointer to \`kasumi scenario validate\`.`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run() {
    await this.parse(ScenarioList)
    const scenarios = await listBundledScenarios()
    if (!this.jsonEnabled()) {
      if (scenarios.length === 0) this.note(`No scenarios in ${SCENARIO_DIR}.`)
      else this.table(scenarioListTable(scenarios))
      for (const broken of scenarios.filter((scenario) => !scenario.valid)) {
        this.warning(
          `${broken.name}: ${broken.problems} problem${broken.problems === 1 ? '' : 's'}; see \`kasumi scenario validate ${broken.file}\`.`,
        )
      }
    }
    return {formatVersion: JSON_FORMAT_VERSION, directory: SCENARIO_DIR, scenarios}
  }
}
