import fc from 'fast-check'
import stringWidth from 'string-width'
import {describe, expect, it} from 'vitest'

import {Painter, cellWidth, drawGrid, drawWithCliTable3, gridFits, renderTable} from '../../src/cli/output.js'
import {terminalLines} from '../../src/domain/text-safety.js'
import {displayWidth} from '../../src/domain/text-width.js'
import {kasumi, tempDir} from '../support/cli.js'

// eslint-disable-next-line no-control-regex
const stripSgr = (text: string) => text.replace(/\u001B\[[\d;]*m/g, '')

/** A row of one cell a column. */
const rowOf = (cell: fc.Arbitrary<string>, columns: number) => fc.array(cell, {minLength: columns, maxLength: columns})
const ALIGNMENT = fc.constantFrom('left' as const, 'right' as const, 'center' as const)

describe('cellWidth', () => {
  it('measures every character of the Basic Multilingual Plane as string-width does', () => {
    const differ: number[] = []
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code)
      if (cellWidth(char) !== stringWidth(char)) differ.push(code)
    }
    expect(differ).toEqual([])
  })

  it('measures text of ASCII, Japanese, emoji, colour codes and anything else as string-width does', () => {
    const japanese = fc.constantFrom(...'内閣官房府省電子申請等受付業務システム・ー（）「」、。々〆〇〰〽ｱｶﾞﾀ㊗ＡＢＣ１')
    const other = fc.constantFrom('🙂', '1\uFE0F\u20E3', '#\uFE0F\u20E3', 'e\u0301', '한', '\u001B[1m', '\u001B[22m', '\t', '\u200D', '👨\u200D👩')
    const text = fc.array(fc.oneof(fc.string({maxLength: 3}), japanese, other), {maxLength: 12}).map((parts) => parts.join(''))
    fc.assert(
      fc.property(text, (value) => {
        expect(cellWidth(value)).toBe(stringWidth(value))
      }),
      {numRuns: 3000},
    )
  })
})

describe('displayWidth', () => {
  it('counts terminal cells: ASCII one, CJK and fullwidth two, halfwidth kana one, combining marks none', () => {
    expect(displayWidth('')).toBe(0)
    expect(displayWidth('mic-LAN 01')).toBe(10)
    expect(displayWidth('總務省')).toBe(6)
    expect(displayWidth('電子申請等受付業務')).toBe(18)
    expect(displayWidth('ｶﾀｶﾅ')).toBe(4)
    expect(displayWidth('ＡＢＣ１')).toBe(8)
    expect(displayWidth('한국어')).toBe(6)
    expect(displayWidth('e\u0301te\u0301')).toBe(3)
    expect(displayWidth('（霞が関WAN）')).toBe(13)
    expect(displayWidth('\u001B[1m總務省\u001B[22m')).toBe(6)
    expect(displayWidth('🙂')).toBe(2)
  })
})

describe('renderTable', () => {
  it('draws the box, a rule under the head and above the footer, and aligns each column', () => {
    const drawn = renderTable(
      {
        title: '担当府省別',
        head: ['府省', 'name\nsecond', 'cost'],
        rows: [
          ['總務省', '共同利用系統\n二行目', '12,345'],
          ['mic', 'ｶﾀｶﾅ半角', '1'],
          ['x', 'e\u0301te\u0301', '3'],
        ],
        footer: [['', '合計', '12,349']],
        align: ['left', 'center', 'right'],
      },
      new Painter(false),
    )
    expect(drawn).toBe(
      [
        '担当府省別',
        '┌────────┬──────────────┬────────┐',
        '│ 府省   │     name     │   cost │',
        '│        │    second    │        │',
        '├────────┼──────────────┼────────┤',
        '│ 總務省 │ 共同利用系統 │ 12,345 │',
        '│        │    二行目    │        │',
        '│ mic    │   ｶﾀｶﾅ半角   │      1 │',
        '│ x      │     e\u0301te\u0301      │      3 │',
        '├────────┼──────────────┼────────┤',
        '│        │     合計     │ 12,349 │',
        '└────────┴──────────────┴────────┘',
      ].join('\n'),
    )
  })

  it('paints the head and the footer line by line, and colour takes no room', () => {
    const drawn = renderTable({head: ['府省', 'a\nb'], rows: [['總務省', 'x']], footer: [['合計', '1']]}, new Painter(true))
    expect(drawn).toContain('\u001B[1m府省\u001B[22m')
    expect(drawn).toContain('\u001B[1ma\u001B[22m')
    expect(drawn).toContain('\u001B[1mb\u001B[22m')
    const widths = new Set(drawn.split('\n').map((line) => displayWidth(stripSgr(line))))
    expect(widths.size).toBe(1)
  })

  it('a table without rows, and rows shorter than the head, keep the grid', () => {
    expect(renderTable({head: ['only'], rows: []}, new Painter(false))).toBe('┌──────┐\n│ only │\n└──────┘')
    expect(renderTable({head: ['x', 'y'], rows: [['1']]}, new Painter(false)).split('\n')).toEqual([
      '┌───┬───┐',
      '│ x │ y │',
      '├───┼───┤',
      '│ 1 │   │',
      '└───┴───┘',
    ])
  })

  it('every line of any table of ASCII, CJK, kana and accented text has the same width', () => {
    const pieces = ['a', 'Z', '0', ' ', '-', '總', '務', '省', 'ｶ', 'Ａ', 'が', 'é', 'e\u0301', '한', '（', '）', '\n']
    const cell = fc.array(fc.constantFrom(...pieces), {maxLength: 8}).map((parts) => parts.join(''))
    fc.assert(
      fc.property(
        fc.integer({min: 1, max: 4}).chain((columns) =>
          fc.record({
            head: rowOf(cell, columns),
            rows: fc.array(rowOf(cell, columns), {maxLength: 6}),
            footer: fc.array(rowOf(cell, columns), {maxLength: 2}),
            align: fc.array(ALIGNMENT, {minLength: columns, maxLength: columns}),
          }),
        ),
        fc.boolean(),
        (table, colour) => {
          const lines = renderTable(table, new Painter(colour)).split('\n')
          expect(new Set(lines.map((line) => displayWidth(stripSgr(line)))).size).toBe(1)
        },
      ),
    )
  })

  it('draws, line for line, what cli-table3 draws, for any table of the same number of cells a row', () => {
    const pieces = [
      'a',
      'Z',
      '0',
      ' ',
      '-',
      '總',
      '務',
      '省',
      'ｶ',
      'Ａ',
      'が',
      'é',
      'e\u0301',
      '한',
      '（',
      '）',
      '🙂',
      '👍🏽',
      '\u200d',
      '\n',
      '\\u001b',
    ]
    const text = fc.oneof(
      fc.array(fc.constantFrom(...pieces), {maxLength: 10}).map((parts) => parts.join('')),
      fc.string({unit: 'grapheme', maxLength: 12}),
      fc.string({unit: 'binary', maxLength: 12}),
    )
    fc.assert(
      fc.property(
        fc.integer({min: 1, max: 5}).chain((columns) =>
          fc.record({
            head: rowOf(text, columns),
            rows: fc.array(rowOf(text, columns), {maxLength: 6}),
            align: fc.array(ALIGNMENT, {maxLength: columns + 1}),
          }),
        ),
        fc.boolean(),
        (table, bold) => {
          const painter = new Painter(bold)
          // As renderTable makes them: each line safe for a terminal, the head painted.
          const cells = [table.head.map((cell) => painter.paint('bold', terminalLines(cell))), ...table.rows.map((row) => row.map(terminalLines))]
          fc.pre(gridFits(cells))
          expect(drawGrid(cells, table.align)).toEqual(drawWithCliTable3(cells, table.align))
        },
      ),
      {numRuns: 500},
    )
  })

  it('leaves to cli-table3 the rows shorter than the head, and painted cells of several lines', () => {
    expect(gridFits([['x', 'y'], ['1']])).toBe(false)
    expect(gridFits([[], []])).toBe(false)
    expect(gridFits([['\u001B[1ma\nb\u001B[22m'], ['1']])).toBe(false)
    expect(gridFits([['\u001B[1mab\u001B[22m'], ['1\n2']])).toBe(true)
  })

  it('kasumi inventory list keeps Japanese names aligned', async () => {
    const dir = tempDir()
    const database = `${dir}/kasumi.db`
    const systems = `${dir}/systems.csv`
    const {writeFileSync} = await import('node:fs')
    writeFileSync(
      systems,
      [
        'id,ministry,name,category,business_area,status',
        'MIC-0001,mic,府省LAN,lan,府省LAN,active',
        'MIC-0002,mic,電子申請等受付システム,e-application,電子申請等受付業務,active',
        'MOF-0001,mof,Budget ledger,common,予算・決算業務,active',
      ].join('\n'),
    )
    expect((await kasumi(['init', '--database', database])).exitCode).toBe(0)
    expect((await kasumi(['inventory', 'import', systems, '--database', database])).exitCode).toBe(0)
    const listed = await kasumi(['inventory', 'list', '--database', database, '--columns', 'id,name,area'])
    expect(listed.exitCode).toBe(0)
    const lines = listed.stdout.trimEnd().split('\n')
    expect(lines.some((line) => line.includes('電子申請等受付システム'))).toBe(true)
    expect(new Set(lines.map(displayWidth)).size).toBe(1)
  })
})
