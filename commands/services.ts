import {Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../src/cli/base.js'
import {storeFlags} from '../src/cli/flags.js'
import {unitFlag} from '../src/cli/inventory-flags.js'
import {LANGS, type Lang} from '../src/domain/lang.js'
import {labelsFor} from '../src/domain/labels/index.js'
import type {DisplayUnit} from '../src/domain/money.js'
import {runServices} from '../src/estimate/services-run.js'
import {serviceMeasuresTable, servicesTable, servicesValueTable} from '../src/estimate/services-tables.js'

export default class Services extends BaseCommand {
  static override summary =
    "The citizens' side: per life event, before and after the service measures — procedures, agencies, visits, documents, citizen and staff hours, fees."
  static override description = `The seed paper's figure 日常生活必要的大量手續 as a table of the register: for each life event (moving house 搬遷, retirement 退職 …) the procedures a citizen goes through, the agencies, the counter visits per case and the kinds of documents, with the citizen hours, staff hours and fees per year — before, and after the scenario's service measures (online-application 電子申請, one-stop ワンストップ, once-only 添付書類の省略, e-post-box 電子私書箱) in the last year of the horizon.

The burden is the Standard Cost Model's (the OECD/EU method for administrative burden): cases × minutes × tariff, per procedure and per document a procedure requires; a life event is the sum of its procedures and the documents it lists for them; all procedures and documents together are the sum of their parts. Citizens' hours are valued at the scenario's citizenHourValue and kept apart from cash; staff hours at hourlyCost. "After" counts are expected values per occurrence, weighted by take-up (one-stop: one application at one window for its share of cases).

Without service measures in the scenario the register is shown as it is. A document that no procedure of any life event requires is a warning.`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --scenario citizen-services --lang ja',
    '<%= config.bin %> <%= command.id %> --scenario ./my-services.yaml --unit yen --json',
  ]

  static override flags = {
    ...storeFlags,
    ...unitFlag,
    scenario: Flags.string({
      char: 'S',
      description: 'Scenario file, or the name of a bundled scenario, whose service measures give the "after".',
      default: 'citizen-services',
    }),
    lang: Flags.string({description: 'Language of the headings; names in the data are never translated.', options: [...LANGS], default: 'en'}),
  }

  async run() {
    const {flags} = await this.parse(Services)
    const store = await this.store(flags.database)
    const {scenario, result, warnings} = await runServices(store, flags.scenario)
    this.warnIssues(warnings)
    const lang = flags.lang as Lang
    const unit = flags.unit as DisplayUnit
    if (!this.jsonEnabled()) {
      if (result.lifeEvents.length === 0)
        this.note('No life events in the store: import procedures, documents and life events first (see `kasumi inventory import --help`).')
      else {
        this.table(servicesTable(result, lang, unit))
        this.log('')
        this.table(servicesValueTable(result, lang, unit))
        if (result.measures.length > 0) {
          this.log('')
          this.table(serviceMeasuresTable(result, lang))
        }
        this.log('')
        this.log(labelsFor(lang).services.note)
      }
    }
    return {...result, formatVersion: JSON_FORMAT_VERSION, scenario: {name: scenario.name, file: scenario.file, horizon: scenario.horizon}}
  }
}
