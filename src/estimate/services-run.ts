import type {InputIssue} from '../domain/errors.js'
import type {Store} from '../store/open.js'
import {serviceRegister} from '../store/register.js'
import type {Scenario} from './model.js'
import {loadNamedScenario} from './scenario.js'
import {planServices} from './services.js'
import {buildServicesResult, type ServicesResult} from './services-result.js'

export interface ServicesRun {
  scenario: Scenario
  result: ServicesResult
  warnings: InputIssue[]
}

/**
 * The citizens' side alone: the register's procedures, documents and life
 * events before and after the scenario's service measures. A scenario without
 * service measures shows the register as it is (after = before).
 */
export async function runServices(store: Store, scenarioRef: string): Promise<ServicesRun> {
  const {scenario, warnings} = await loadNamedScenario(scenarioRef)
  const register = await serviceRegister(store)
  const documents = new Set(register.lifeEvents.flatMap((event) => event.steps.flatMap((step) => step.documents)))
  for (const document of register.documents)
    if (!documents.has(document.id))
      warnings.push({
        message: `document ${document.id} (${document.name}) is required by no procedure of any life event`,
        hint: 'it counts in no life event and no measure reaches it',
        severity: 'warning',
      })
  return {scenario, result: buildServicesResult(scenario, planServices(scenario, register)), warnings}
}
