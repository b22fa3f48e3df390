/**
 * A register that leaves counts empty (no os_instances, users or
 * annual_hours) gets n/a naming the missing field in every KPI, estimate
 * figure and report figure that needs it — never a 0 that reads as measured.
 * A register that records those counts as 0 gets 0.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {BACKENDS} from '../support/stores.js'
import {csv, ok, storeWith, stores, tempDir} from '../estimate/helpers.js'

const COSTS = csv('system_id,fiscal_year,pool,amount', 'MIC-1,2008,telecom,1000000', 'MIC-2,2008,hardware,2000000', 'MOF-1,2008,software,500000')

describe('empty register fields are n/a, not 0', () => {
  const fresh = stores()
  let empty = ''
  let zeros = ''

  beforeAll(async () => {
    const sqlite = BACKENDS.find((backend) => backend.name === 'sqlite')!
    empty = await fresh(sqlite)
    await storeWith(
      empty,
      csv(
        'id,ministry,name,category,business_area,physical_servers',
        'MIC-1,mic,総務省LAN,lan,府省LAN,4',
        'MIC-2,mic,総務省共通,common,府省共通,6',
        'MOF-1,mof,国税,common,税務,2',
      ),
      COSTS,
    )
    zeros = await fresh(sqlite)
    await storeWith(
      zeros,
      csv(
        'id,ministry,name,category,business_area,physical_servers,os_instances,users,annual_hours',
        'MIC-1,mic,総務省LAN,lan,府省LAN,4,0,0,0',
        'MIC-2,mic,総務省共通,common,府省共通,6,0,0,0',
        'MOF-1,mof,国税,common,税務,2,0,0,0',
      ),
      COSTS,
    )
  })

  it('kasumi bench: virtualisation, hours, FTE and cost per user are n/a with the field named', async () => {
    const {json, stdout} = await ok(['bench', '--scenario', 'kasumigaseki-cloud', '--database', empty, '--json'])
    expect(stdout.length).toBeLessThan(200_000)
    for (const group of json.groups) {
      expect(group.kpis.virtualisation).toMatchObject({value: null, reason: 'no system records OS instances', missing: ['os_instances']})
      for (const id of ['hours-per-system', 'hours-per-user', 'hours-ratio', 'fte'])
        expect(group.kpis[id]).toMatchObject({value: null, missing: ['annual_hours']})
      expect(group.kpis['cost-per-user']).toMatchObject({value: null, missing: ['users']})
      expect(group.kpis.pue).toMatchObject({value: null})
    }
    const human = await ok(['bench', '--scenario', 'kasumigaseki-cloud', '--database', empty])
    expect(human.stdout).toContain('n/a')
  })

  it('kasumi bench on recorded zeros: 0 is a value', async () => {
    const {json} = await ok(['bench', '--scenario', 'kasumigaseki-cloud', '--database', zeros, '--json'])
    const mic = json.groups.find((group: {key: string}) => group.key === 'mic')
    expect(mic.kpis.virtualisation.value).toBe('0.0000')
    expect(mic.kpis['hours-per-system'].value).toBe('0.00')
    expect(mic.kpis['hours-per-system'].missing).toBeUndefined()
  })

  it('kasumi estimate: hours saved and FTE are n/a, in JSON and on the terminal', async () => {
    const {json} = await ok(['estimate', '--scenario', 'kasumigaseki-cloud', '--database', empty, '--json'])
    expect(json.hours.missing).toEqual(['annual_hours'])
    const human = await ok(['estimate', '--scenario', 'kasumigaseki-cloud', '--database', empty])
    expect(human.stdout).toContain('Processing hours saved: n/a (no system records annual_hours)')
    expect(human.stdout).not.toMatch(/Processing hours saved 0/)
    const recorded = await ok(['estimate', '--scenario', 'kasumigaseki-cloud', '--database', zeros, '--json'])
    expect(recorded.json.hours.missing).toBeUndefined()
  })

  it('kasumi report: the summary says n/a and there is no chart of zero hours', async () => {
    const out = join(tempDir(), 'report')
    await ok(['report', '--scenario', 'kasumigaseki-cloud', '--database', empty, '--out', out, '--no-input'])
    const markdown = readFileSync(join(out, 'report.md'), 'utf8')
    expect(markdown).toMatch(/\*\*Hours saved \/ year\*\*: n\/a: no system records annual\\?_hours/)
    expect(markdown).toMatch(/\*\*FTE\*\*: n\/a: no system records annual\\?_hours/)
    expect(existsSync(join(out, 'charts', 'hours-by-area.png'))).toBe(false)
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).hours.missing).toEqual(['annual_hours'])
  })
})
