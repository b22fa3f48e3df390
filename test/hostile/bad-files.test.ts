import {spawnSync} from 'node:child_process'
import {mkdirSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {join} from 'node:path'

import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {EN_COSTS, EN_SYSTEMS} from '../fixtures/registers.js'
import {backends, cli, contents, csv, ok, storeFactory, tempDir, writeText, type StoreContents} from '../inventory/helpers.js'
import {BIN, type CommandResult} from '../support/cli.js'

/**
 * Files that are not what an import expects: things that are not files at all,
 * binary data, text in an encoding kasumi cannot tell, values and headers far
 * beyond any table's size, and headers that hold terminal escape sequences.
 * Each is refused with exit 3, a message that says where and what, a bounded
 * amount of output, and the store as it was.
 */

const freshStore = storeFactory()

const SYSTEMS_HEADER = 'id,ministry,name,category'

/** The built CLI as a child process with a time limit: a command that blocks fails the test instead of hanging it. */
function child(argv: string[], options: {timeout?: number; maxOldSpaceMb?: number} = {}): CommandResult {
  const result = spawnSync(process.execPath, [...(options.maxOldSpaceMb ? [`--max-old-space-size=${options.maxOldSpaceMb}`] : []), BIN, ...argv], {
    env: {...process.env, NO_COLOR: '1'},
    input: '',
    encoding: 'utf8',
    timeout: options.timeout ?? 30_000,
    maxBuffer: 256 * 1024 * 1024,
  })
  return {stdout: result.stdout ?? '', stderr: result.stderr ?? '', exitCode: result.status ?? -1}
}

/** A deterministic stream of bytes (xorshift), as random as binary data looks. */
function noise(length: number, seed = 12345): Buffer {
  const bytes = Buffer.alloc(length)
  let x = seed
  for (let index = 0; index < length; index++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    bytes[index] = x & 0xff
  }
  return bytes
}

async function xlsxBytes(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('systems')
  sheet.addRow(['id', 'ministry', 'name', 'category'])
  sheet.addRow(['NEW-1', 'mic', 'Alpha', 'lan'])
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/** No terminal control may reach the screen: no ESC, BEL, lone CR, C1 control or bidi control. */
function expectNoTerminalControls(text: string): void {
  // eslint-disable-next-line no-control-regex
  expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/)
}

for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`bad files are refused, with bounded output, and nothing is written (${backend.name})`, () => {
    let url: string
    let before: StoreContents
    let socketServer: Server | undefined
    const dir = tempDir()

    beforeAll(async () => {
      url = await freshStore(backend)
      await ok(['inventory', 'import', writeText('systems.csv', EN_SYSTEMS), '--database', url])
      await ok(['inventory', 'import', writeText('costs.csv', EN_COSTS), '--database', url])
      before = await contents(url)
    })

    afterAll(() => {
      socketServer?.close()
    })

    const refused = async (result: CommandResult, says: string[], options: {maxStderr?: number} = {}) => {
      expect(result.exitCode, result.stderr).toBe(3)
      for (const text of says) expect(result.stderr).toContain(text)
      expect(result.stderr.length).toBeLessThan(options.maxStderr ?? 4096)
      expectNoTerminalControls(result.stderr)
      expect(await contents(url)).toEqual(before)
    }

    it('a named pipe (FIFO): refused at once, not waited on (import and validate)', async () => {
      const fifo = join(dir, 'systems-fifo.csv')
      const made = spawnSync('mkfifo', [fifo])
      expect(made.status, String(made.stderr)).toBe(0)
      for (const command of ['import', 'validate']) {
        const result = child(['inventory', command, fifo, '--database', url], {timeout: 20_000})
        await refused(result, [`${fifo} is a named pipe (FIFO), not a regular file`, 'not a regular file', 'save the data to a file first'])
        expect(result.stderr).not.toContain('ESPIPE')
      }
    })

    it('a character device that never ends (/dev/zero): refused before reading', async () => {
      const result = child(['inventory', 'import', '/dev/zero', '--database', url], {timeout: 20_000})
      await refused(result, ['/dev/zero is a character device, not a regular file'])
    })

    it('a socket: refused', async () => {
      const path = join(dir, 'systems.sock')
      socketServer = createServer()
      await new Promise<void>((resolve) => socketServer!.listen(path, resolve))
      await refused(await cli(['inventory', 'import', path, '--database', url]), [`${path} is a socket, not a regular file`])
    })

    it('a folder without input files: refused as invalid input, naming what to do', async () => {
      const folder = join(dir, 'a-folder.csv')
      mkdirSync(folder)
      await refused(await cli(['inventory', 'import', folder, '--database', url]), [
        `no input files in ${folder}`,
        'put CSV files or workbooks (.csv, .xlsx, .xlsm, .xls, .ods) in the folder, or name the files',
      ])
    })

    it('binary garbage: "not a text file", not "a quote in the middle of a cell"', async () => {
      const bytes = noise(8192)
      expect(bytes.includes(0x22)).toBe(true)
      const file = writeText('garbage.csv', bytes)
      const result = await cli(['inventory', 'import', file, '--database', url])
      await refused(result, [`${file}, line `, 'not a text file: it holds NUL bytes', 'save the table as CSV'])
      expect(result.stderr).not.toContain('quote')
      const json = await cli(['inventory', 'validate', file, '--database', url, '--json'])
      expect(json.exitCode).toBe(3)
      expect(json.json.error.issues).toEqual([
        expect.objectContaining({file, line: expect.any(Number), message: expect.stringContaining('not a text file')}),
      ])
    })

    it('binary data without NUL bytes but full of control bytes: not a text file', async () => {
      const bytes = Buffer.from(noise(4096).map((byte) => (byte === 0 ? 1 : byte)))
      await refused(await cli(['inventory', 'import', writeText('controls.csv', bytes), '--database', url]), [
        'not a text file: it holds',
        'control bytes',
      ])
    })

    it('an Excel workbook named .csv: named as a workbook, with the extension to give it', async () => {
      await refused(await cli(['inventory', 'import', writeText('systems.csv', await xlsxBytes()), '--database', url]), [
        'not a text file: it looks like an Excel workbook (.xlsx)',
        'name the file .xlsx',
      ])
    })

    it('a NUL byte deep inside an otherwise good file: line and column named, reading stops', async () => {
      const rows = Array.from({length: 3000}, (_, index) => `NEW-${index},mic,System number ${index},lan`)
      rows[2500] = 'NEW-2500,mic,Bad\u0000name,lan'
      const file = writeText('systems.csv', csv(SYSTEMS_HEADER, ...rows))
      await refused(await cli(['inventory', 'import', file, '--database', url]), [
        `${file}, line 2502, column 3 (name): not a text file: a NUL byte in a cell`,
      ])
    })

    for (const [endian, codePage] of [
      ['little-endian', 'utf-16le'],
      ['big-endian', 'utf-16be'],
    ] as const) {
      it(`UTF-16 (${endian}) without a BOM: a hint naming the encoding`, async () => {
        const bytes = iconv.encode(csv('id,ministry,name,category', 'NEW-1,総務省,統合システム,lan'), codePage)
        await refused(await cli(['inventory', 'import', writeText('systems.csv', bytes), '--database', url]), [
          `the file looks like UTF-16 (${endian}) without a byte-order mark`,
          `iconv -f ${codePage.toUpperCase()} -t UTF-8`,
        ])
      })

      it(`UTF-16 (${endian}) with a BOM is read`, async () => {
        const bytes = iconv.encode(csv('id,ministry,name,category', 'NEW-1,総務省,統合システム,lan'), codePage, {addBOM: true})
        const result = await ok(['inventory', 'import', writeText('systems.csv', bytes), '--database', url, '--dry-run', '--json'])
        expect(result.json).toMatchObject({records: 1, inserted: 1, encoding: codePage, dryRun: true})
        expect(await contents(url)).toEqual(before)
      })
    }

    it('a 50 MB field without quotes: a clear error, a few hundred bytes of output, flat memory', async () => {
      const file = writeText('systems.csv', csv(SYSTEMS_HEADER, `NEW-1,mic,${'x'.repeat(50_000_000)},lan`))
      // A reader that held the field, or echoed it, would run out of this heap.
      const result = child(['inventory', 'import', file, '--database', url], {maxOldSpaceMb: 96})
      await refused(result, [`${file}, line 2: a record longer than 1,048,576 characters (1 MiB)`, 'every quoted cell is closed'], {maxStderr: 1024})
    })

    it('a 50 MB quoted field: the same error from the quoted-text reader', async () => {
      const file = writeText('systems.csv', csv(SYSTEMS_HEADER, `NEW-1,mic,"${'x'.repeat(50_000_000)}",lan`))
      const result = child(['inventory', 'import', file, '--database', url], {maxOldSpaceMb: 96})
      await refused(result, ['line 2: a record longer than 1,048,576 characters (1 MiB)'], {maxStderr: 1024})
    })

    it('a value under the record limit but far too long: echoed cut, with the count of the rest, on stderr and in --json', async () => {
      const file = writeText('systems.csv', csv(SYSTEMS_HEADER, `NEW-1,mic,${'y'.repeat(900_000)},lan`))
      const result = await cli(['inventory', 'import', file, '--database', url])
      await refused(result, [`${file}, line 2, column 3 (name): longer than 200 characters (value "${'y'.repeat(100)}… (+899,900 characters)")`], {
        maxStderr: 1024,
      })
      const json = await cli(['inventory', 'import', file, '--database', url, '--json'])
      expect(json.stdout.length).toBeLessThan(2048)
      expect(json.json.error.issues[0]).toMatchObject({line: 2, column: '3 (name)', value: `${'y'.repeat(100)}… (+899,900 characters)`})
    })

    it('10 000 unknown columns: ten named, the rest counted, the hint given once', async () => {
      const extra = Array.from({length: 10_000}, (_, index) => `extra_${index}`)
      const file = writeText('systems.csv', csv([SYSTEMS_HEADER, ...extra].join(','), ['NEW-1,mic,A,lan', ...extra.map(() => '1')].join(',')))
      const result = await cli(['inventory', 'import', file, '--database', url])
      await refused(
        result,
        [
          `${file}, line 1, column 5 (extra_0): kasumi does not know this systems column (value "extra_0")`,
          'column 15–10004: 9,990 more columns kasumi does not know',
        ],
        {maxStderr: 3072},
      )
      expect(result.stderr.split('rename it to one of').length - 1).toBe(1)
      const json = await cli(['inventory', 'import', file, '--database', url, '--json'])
      expect(json.json.error.issues).toHaveLength(11)
    })

    it('a header cell holding escape sequences (clear screen, window title): shown escaped in the column label', async () => {
      const header = `${SYSTEMS_HEADER},\u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u009b1m`
      const file = writeText('systems.csv', csv(header, 'NEW-1,mic,A,lan,1'))
      const result = await cli(['inventory', 'import', file, '--database', url])
      await refused(result, ['line 1, column 5 (\\u001b]0;pwned\\u0007\\u001b[2J\\u001b[31mred\\u009b1m): kasumi does not know this systems column'])
      const json = await cli(['inventory', 'import', file, '--database', url, '--json'])
      expectNoTerminalControls(json.stdout)
      expect(json.json.error.issues[0].value).toBe('\u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u009b1m')
    })

    it('a name holding an escape sequence: refused as a control character, echoed escaped', async () => {
      const file = writeText('systems.csv', csv(SYSTEMS_HEADER, 'NEW-1,mic,A\u001b[2Jb,lan'))
      const result = await cli(['inventory', 'import', file, '--database', url])
      await refused(result, [`${file}, line 2, column 3 (name): contains control characters (value "A\\u001b[2Jb")`])
    })

    it('a file name holding a carriage return and an escape sequence: shown escaped', async () => {
      const file = writeText('sys\r\u001b[2Jtems.csv', csv(SYSTEMS_HEADER, 'NEW-1,mic,A,mainframe'))
      const result = await cli(['inventory', 'import', file, '--database', url])
      await refused(result, ['sys\\r\\u001b[2Jtems.csv, line 2, column 4 (category): not one of the accepted values'])
    })

    it('令和99年度 (2117) and 2101: outside the fiscal years kasumi accepts, in systems and in cost lines', async () => {
      const systems = writeText('systems.csv', csv(`${SYSTEMS_HEADER},first_fy,last_fy`, 'NEW-1,mic,A,lan,令和99年度,', 'NEW-2,mic,B,lan,2009,2101'))
      await refused(await cli(['inventory', 'import', systems, '--database', url]), [
        `${systems}, line 2, column 5 (first_fy): fiscal year 2117 is outside the years kasumi accepts, 1900–2100 (value "令和99年度")`,
        `${systems}, line 3, column 6 (last_fy): fiscal year 2101 is outside the years kasumi accepts, 1900–2100 (value "2101")`,
        'the era',
      ])
      const costs = writeText('costs.csv', csv('system_id,fiscal_year,pool,amount', 'MIC-0001,令和99年度,hardware,100'))
      await refused(await cli(['inventory', 'import', costs, '--database', url]), [
        `${costs}, line 2, column 2 (fiscal_year): fiscal year 2117 is outside`,
      ])
    })
  })
}
