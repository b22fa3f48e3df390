import {beforeAll, describe, expect, it} from 'vitest'

import {EN_COSTS, EN_SYSTEMS} from '../fixtures/registers.js'
import {backends, cli, contents, csv, ok, storeFactory, writeText, type StoreContents} from '../inventory/helpers.js'

const freshStore = storeFactory()

const SYSTEMS_HEADER = 'id,ministry,name,category,physical_servers,users,utilisation_pct,first_fy,last_fy,eligibility,eligibility_reason'

interface BadInput {
  /** What is wrong, as the test name says it. */
  what: string
  file: string
  content: string | Buffer
  /** Everything the message must say: where, what, the value, the hint. */
  says: string[]
}

const BAD_INPUTS: BadInput[] = [
  {
    what: 'the same id twice in the file',
    file: 'systems.csv',
    content: csv(SYSTEMS_HEADER, 'NEW-1,mic,A,lan,1,1,1,2009,2012,eligible,', 'NEW-1,mic,B,lan,1,1,1,2009,2012,eligible,'),
    says: ['systems.csv, line 3, column 1 (id): duplicate id: line 2 has it too (value "NEW-1")'],
  },
  {
    what: 'an id that is already in the store (--on-conflict fail, the default)',
    file: 'systems.csv',
    content: csv(SYSTEMS_HEADER, 'NEW-1,mic,A,lan,1,1,1,2009,2012,eligible,', 'MIC-0001,mic,B,lan,1,1,1,2009,2012,eligible,'),
    says: [
      'systems.csv, line 3, column 1 (id): a system with this id is already in the store (value "MIC-0001")',
      '--on-conflict update',
      '--on-conflict skip',
    ],
  },
  {
    what: 'an unknown ministry, with a "did you mean"',
    file: 'systems.csv',
    content: csv(SYSTEMS_HEADER, 'NEW-1,総務相,A,lan,1,1,1,2009,2012,eligible,'),
    says: ['systems.csv, line 2, column 2 (ministry): unknown ministry (value "総務相")', 'did you mean 総務省 (mic)?'],
  },
  {
    what: 'an unknown category',
    file: 'systems.csv',
    content: csv(SYSTEMS_HEADER, 'NEW-1,mic,A,mainframe,1,1,1,2009,2012,eligible,'),
    says: ['systems.csv, line 2, column 4 (category): not one of the accepted values (value "mainframe")', 'common, lan, e-application, small-scale'],
  },
  {
    what: 'a negative server count',
    file: 'systems.csv',
    content: csv(SYSTEMS_HEADER, 'NEW-1,mic,A,lan,-1,1,1,2009,2012,eligible,'),
    says: ['systems.csv, line 2, column 5 (physical_servers): must not be negative (value "-1")'],
  },
  {
    what: 'a negative user count written △3',
    file: 'systems.csv',
    content: csv(SYSTEMS_HEADER, 'NEW-1,mic,A,lan,1,△3,1,2009,2012,eligible,'),
    says: ['systems.csv, line 2, column 6 (users): must not be negative (value "△3")'],
  },
  {
    what: 'utilisation above 100',
    file: 'systems.csv',
    content: csv(SYSTEMS_HEADER, 'NEW-1,mic,A,lan,1,1,101,2009,2012,eligible,'),
    says: ['systems.csv, line 2, column 7 (utilisation_pct): utilisation must be between 0 and 100 (value "101")'],
  },
  {
    what: 'utilisation below 0',
    file: 'systems.csv',
    content: csv(SYSTEMS_HEADER, 'NEW-1,mic,A,lan,1,1,-0.5,2009,2012,eligible,'),
    says: ['systems.csv, line 2, column 7 (utilisation_pct): utilisation must be between 0 and 100 (value "-0.5")'],
  },
  {
    what: 'a system that must stay without a reason',
    file: 'systems.csv',
    content: csv(SYSTEMS_HEADER, 'NEW-1,mic,A,lan,1,1,1,2009,2012,must-stay,'),
    says: ['systems.csv, line 2, column 11 (eligibility_reason): a system that must stay off the platform needs a reason'],
  },
  {
    what: 'a last fiscal year before the first',
    file: 'systems.csv',
    content: csv(SYSTEMS_HEADER, 'NEW-1,mic,A,lan,1,1,1,2012,2009,eligible,'),
    says: ['systems.csv, line 2, column 9 (last_fy): the last fiscal year comes before the first (2012) (value "2009")'],
  },
  {
    what: 'a year of an era that had ended (平成32年度)',
    file: 'systems.csv',
    content: csv(SYSTEMS_HEADER, 'NEW-1,mic,A,lan,1,1,1,平成32年度,,eligible,'),
    says: ['systems.csv, line 2, column 8 (first_fy)', '(value "平成32年度")', '2019'],
  },
  {
    what: 'cost lines for a system that does not exist',
    file: 'costs.csv',
    content: csv('system_id,fiscal_year,pool,amount', 'MIC-0001,2012,hardware,100', 'NOPE-1,2012,hardware,100'),
    says: ['costs.csv, line 3, column 1 (system_id): no system has this id (value "NOPE-1")', 'import the systems file first'],
  },
  {
    what: 'an amount with a misplaced thousands separator',
    file: 'costs.csv',
    content: csv('system_id,fiscal_year,pool,amount', 'MIC-0001,2012,hardware,"1,18"'),
    says: ['costs.csv, line 2, column 4 (amount): misplaced thousands separator (value "1,18")'],
  },
  {
    what: 'a stray quote inside a cell',
    file: 'systems.csv',
    content: csv('id,ministry,name,category', 'NEW-1,mic,Al"pha,lan'),
    says: ['systems.csv, line 2, column 3 (name): a quote in the middle of a cell', '""'],
  },
  {
    what: 'text after the closing quote of a cell',
    file: 'systems.csv',
    content: csv('id,ministry,name,category', 'NEW-1,mic,"Al"pha,lan'),
    says: ['systems.csv, line 2, column 3 (name): a quote in the middle of a cell'],
  },
  {
    what: 'a quote never closed: the file is truncated',
    file: 'systems.csv',
    content: 'id,ministry,name,category\nNEW-1,mic,A,lan\nNEW-2,mic,"Beta,lan',
    says: ['systems.csv, line 3, column 3 (name): a quoted cell is never closed'],
  },
  {
    what: 'a last row with too few fields',
    file: 'systems.csv',
    content: 'id,ministry,name,category\nNEW-1,mic,A,lan\nNEW-2,mic,B',
    says: ['systems.csv, line 3: the record has 3 fields where the header has 4', 'truncated'],
  },
  {
    what: 'a row with too many fields',
    file: 'systems.csv',
    content: csv('id,ministry,name,category', 'NEW-1,mic,A,B,lan'),
    says: ['systems.csv, line 2: the record has 5 fields where the header has 4', 'unquoted comma'],
  },
  {what: 'an empty file', file: 'systems.csv', content: '', says: ['systems.csv: the file is empty']},
  {what: 'a file with nothing but a BOM', file: 'systems.csv', content: Buffer.from([0xef, 0xbb, 0xbf]), says: ['systems.csv: the file is empty']},
  {what: 'a file of blank lines', file: 'systems.csv', content: '\n\n\n', says: ['systems.csv: the file has no header row']},
  {
    what: 'a header kasumi cannot place',
    file: 'things.csv',
    content: csv('foo,bar', '1,2'),
    says: [
      'things.csv, line 1: cannot tell whether this file holds systems, cost lines, ministries, procedures, documents or life events',
      '--kind systems',
    ],
  },
]

for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`bad input is refused whole (${backend.name})`, () => {
    let url: string
    let before: StoreContents

    beforeAll(async () => {
      url = await freshStore(backend)
      await ok(['inventory', 'import', writeText('systems.csv', EN_SYSTEMS), '--database', url])
      await ok(['inventory', 'import', writeText('costs.csv', EN_COSTS), '--database', url])
      before = await contents(url)
    })

    for (const bad of BAD_INPUTS) {
      it(`${bad.what}: exit 3, a message saying where and what, nothing written`, async () => {
        const file = writeText(bad.file, bad.content)
        const result = await cli(['inventory', 'import', file, '--database', url])
        expect(result.exitCode, result.stderr).toBe(3)
        for (const text of bad.says) expect(result.stderr).toContain(text)
        expect(result.stderr).toContain('nothing was written')
        expect(await contents(url)).toEqual(before)
      })
    }

    it('reports every problem in a file, each on its own line, and writes nothing', async () => {
      const file = writeText(
        'systems.csv',
        csv(
          SYSTEMS_HEADER,
          'NEW-1,総務相,A,lan,1,1,1,2009,2012,eligible,',
          'NEW-2,mic,B,lan,-1,1,1,2009,2012,eligible,',
          'NEW-3,mic,C,lan,1,1,101,2009,2012,eligible,',
          'NEW-4,mic,D,mainframe,1,1,1,2009,2012,eligible,',
          'NEW-5,mic,,lan,1,1,1,2009,2012,eligible,',
          'NEW-5,mic,F,lan,1,1,1,2012,2009,eligible,',
        ),
      )
      const result = await cli(['inventory', 'import', file, '--database', url])
      expect(result.exitCode).toBe(3)
      expect(result.stderr).toContain('systems.csv: 7 problems found; nothing was written')
      for (const where of [
        'line 2, column 2 (ministry)',
        'line 3, column 5 (physical_servers)',
        'line 4, column 7 (utilisation_pct)',
        'line 5, column 4 (category)',
        'line 6, column 3 (name)',
        'line 7, column 9 (last_fy)',
        'line 7, column 1 (id)',
      ]) {
        expect(result.stderr).toContain(`systems.csv, ${where}`)
      }
      expect(await contents(url)).toEqual(before)
    })

    it('gives every problem as data with --json: file, line, column, value, message', async () => {
      const file = writeText(
        'systems.csv',
        csv(SYSTEMS_HEADER, 'NEW-1,総務相,A,lan,1,1,1,2009,2012,eligible,', 'NEW-2,mic,B,lan,-1,1,1,2009,2012,eligible,'),
      )
      const result = await cli(['inventory', 'import', file, '--database', url, '--json'])
      expect(result.exitCode).toBe(3)
      expect(result.json).toMatchObject({
        formatVersion: 1,
        error: {
          name: 'InvalidInputError',
          exitCode: 3,
          totalIssues: 2,
          issues: [
            {file, line: 2, column: '2 (ministry)', value: '総務相', message: 'unknown ministry', hint: 'did you mean 総務省 (mic)?'},
            {file, line: 3, column: '5 (physical_servers)', value: '-1', message: 'must not be negative'},
          ],
        },
      })
    })

    it('lists at most --max-issues problems', async () => {
      const rows = Array.from({length: 5}, (_, index) => `NEW-${index},mic,A,lan,-1,1,1,2009,2012,eligible,`)
      const result = await cli([
        'inventory',
        'import',
        writeText('systems.csv', csv(SYSTEMS_HEADER, ...rows)),
        '--database',
        url,
        '--max-issues',
        '2',
        '--json',
      ])
      expect(result.exitCode).toBe(3)
      expect(result.json.error.issues).toHaveLength(2)
      expect(await contents(url)).toEqual(before)
    })

    // Reading stops at the cap, so the rest are never counted: the message says "2 problems found" for a file with 5.
    it('counts the problems beyond --max-issues ("… and 3 more")', async () => {
      const rows = Array.from({length: 5}, (_, index) => `NEW-${index},mic,A,lan,-1,1,1,2009,2012,eligible,`)
      const result = await cli([
        'inventory',
        'import',
        writeText('systems.csv', csv(SYSTEMS_HEADER, ...rows)),
        '--database',
        url,
        '--max-issues',
        '2',
      ])
      expect(result.stderr).toContain('5 problems found')
      expect(result.stderr).toContain('… and 3 more')
    })

    it('finds the same problems with inventory validate, which never writes', async () => {
      const systems = await cli([
        'inventory',
        'validate',
        writeText('systems.csv', csv(SYSTEMS_HEADER, 'NEW-1,総務相,A,lan,-1,1,1,2009,2012,eligible,')),
        '--database',
        url,
      ])
      expect(systems.exitCode).toBe(3)
      expect(systems.stderr).toContain('systems.csv, line 2, column 2 (ministry): unknown ministry (value "総務相")')
      expect(systems.stderr).toContain('systems.csv, line 2, column 5 (physical_servers): must not be negative (value "-1")')
      const costs = await cli([
        'inventory',
        'validate',
        writeText('costs.csv', csv('system_id,fiscal_year,pool,amount', 'NOPE-1,2012,hardware,100')),
        '--database',
        url,
      ])
      expect(costs.exitCode).toBe(3)
      expect(costs.stderr).toContain('costs.csv, line 2, column 1 (system_id): no system has this id (value "NOPE-1")')
      expect(await contents(url)).toEqual(before)
    })

    it('accepts a file with a header and no rows: exit 0, nothing added (an export of an empty register reads back)', async () => {
      const result = await ok(['inventory', 'import', writeText('systems.csv', csv(SYSTEMS_HEADER)), '--database', url, '--json'])
      expect(result.json).toMatchObject({records: 0, inserted: 0, updated: 0})
      const after = await contents(url)
      expect(after.systems).toEqual(before.systems)
      expect(after.costs).toEqual(before.costs)
      before = after
    })
  })
}
