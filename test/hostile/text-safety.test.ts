import fc from 'fast-check'
import MarkdownIt from 'markdown-it'
import {describe, expect, it} from 'vitest'

import {formatIssues} from '../../src/domain/errors.js'
import {Painter, renderTable} from '../../src/cli/output.js'
import {ECHO_LIMIT, bidiControlNames, terminalJson, terminalText, truncateText} from '../../src/domain/text-safety.js'
import {markdownCell} from '../../src/report/render/markdown.js'

// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/

describe('the terminal sanitiser', () => {
  it('shows escape sequences, C1 controls, carriage returns, line feeds and bidi controls as visible escapes', () => {
    expect(terminalText('\u001b]0;title\u0007\u001b[2Jx')).toBe('\\u001b]0;title\\u0007\\u001b[2Jx')
    expect(terminalText('a\rb\nc\td')).toBe('a\\rb\\nc\\td')
    expect(terminalText('\u009b31m')).toBe('\\u009b31m')
    expect(terminalText('invoice\u202Efdp.exe \u2066x\u2069')).toBe('invoice\\u202efdp.exe \\u2066x\\u2069')
    expect(terminalText('総務省 — 普通の名前')).toBe('総務省 — 普通の名前')
  })

  it('leaves nothing a terminal acts on, for any text', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 64}), (text) => {
        expect(terminalText(text)).not.toMatch(TERMINAL_CONTROLS)
      }),
    )
  })

  it('cuts long values, counting the rest, and does not cut twice', () => {
    const cut = truncateText('x'.repeat(1000))
    expect(cut).toBe(`${'x'.repeat(ECHO_LIMIT)}… (+900 characters)`)
    expect(truncateText(cut)).toBe(cut)
    expect(truncateText('short')).toBe('short')
    // Never inside a surrogate pair.
    expect(truncateText(`${'a'.repeat(ECHO_LIMIT - 1)}𠮷rest`)).toBe(`${'a'.repeat(ECHO_LIMIT - 1)}… (+6 characters)`)
  })

  it('names bidi controls by code point', () => {
    expect(bidiControlNames('a\u202Eb\u202Ec\u2067')).toEqual(['U+202E', 'U+2067'])
  })

  it('--json text escapes C1 and bidi controls and still parses to the same value', () => {
    const value = {name: 'invoice\u202Efdp.exe\u0085\u2028'}
    const text = terminalJson(value)
    expect(text).not.toMatch(/[\u0085\u2028\u202e]/)
    expect(JSON.parse(text)).toEqual(value)
  })

  it("terminal tables: a lone carriage return cannot move the cursor; kasumi's own multi-line headings still break", () => {
    const drawn = renderTable(
      {
        head: ['name', 'cost\nthousand yen'],
        rows: [
          ['before\rafter', '1'],
          ['\u001b[2J', '2'],
        ],
      },
      new Painter(false),
    )
    // Line feeds separate the table's lines; nothing else a terminal acts on is left.
    expect(drawn.replace(/\n/g, '')).not.toMatch(TERMINAL_CONTROLS)
    expect(drawn).toContain('before\\rafter')
    expect(drawn).toContain('thousand yen')
  })

  it('issues: one hint for a run of the same kind, the value cut', () => {
    const lines = formatIssues([
      {file: 'a.csv', line: 2, column: '3 (name)', value: 'v'.repeat(500), message: 'too long', hint: 'shorten it'},
      {file: 'a.csv', line: 3, column: '3 (name)', value: 'w', message: 'too long', hint: 'shorten it'},
    ])
    expect(lines[0]).toBe(`a.csv, line 2, column 3 (name): too long (value "${'v'.repeat(ECHO_LIMIT)}… (+400 characters)") — shorten it`)
    expect(lines[1]).toBe('a.csv, line 3, column 3 (name): too long (value "w") (hint as above)')
  })
})

describe('Markdown cells', () => {
  const markdown = new MarkdownIt({html: true})

  it('a lone CR, CRLF, LF, pipes and bidi controls keep a table to its rows and cells', () => {
    const values = ['before\rafter', 'a\r\nb', 'c\nd', 'x|y|z', 'inv\u202Efdp.exe', '[l](javascript:x) <b>b</b> &amp;']
    const text = ['| name | n |', '| --- | ---: |', ...values.map((value) => `| ${markdownCell(value)} | 1 |`)].join('\n')
    expect(text).not.toMatch(/[\r\u202e]/)
    const tokens = markdown.parse(text, {})
    expect(tokens.filter((token) => token.type === 'tr_open')).toHaveLength(values.length + 1)
    expect(tokens.filter((token) => token.type === 'td_open')).toHaveLength(values.length * 2)
    const inline = tokens.flatMap((token) => token.children ?? [])
    expect(inline.filter((token) => token.type === 'link_open')).toEqual([])
    for (const token of inline.filter((candidate) => candidate.type === 'html_inline')) expect(token.content).toBe('<br>')
    const html = markdown.render(text)
    expect(html).toContain('<td>x|y|z</td>')
    expect(html).toContain('<td>inv\\u202efdp.exe</td>')
    expect(html).toContain('<td>[l](javascript:x) &lt;b&gt;b&lt;/b&gt; &amp;amp;</td>')
  })
})
