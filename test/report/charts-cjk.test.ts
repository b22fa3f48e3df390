import {GlobalFonts, createCanvas} from '@napi-rs/canvas'
import {beforeAll, describe, expect, it} from 'vitest'

import {renderChart} from '../../src/report/charts.js'
import {FAMILY_JP, FAMILY_TC, fontFamily, fontFiles, registerFonts} from '../../src/report/fonts.js'
import type {ChartSpec} from '../../src/report/model.js'
import type {Lang} from '../../src/domain/lang.js'

/**
 * Proof that CJK text is drawn with glyphs, not as empty boxes ("tofu"):
 * with the registered fonts, different characters give different pixels and
 * differ from a render with a family that has no CJK glyphs; without them,
 * every CJK character is the same box.
 */

const WIDTH = 240
const HEIGHT = 48

/** Raw RGBA pixels of a label drawn on a small white canvas. */
function pixels(text: string, family: string): Buffer {
  const canvas = createCanvas(WIDTH, HEIGHT)
  const context = canvas.getContext('2d')
  context.fillStyle = '#ffffff'
  context.fillRect(0, 0, WIDTH, HEIGHT)
  context.fillStyle = '#000000'
  context.font = `32px ${family}`
  context.textBaseline = 'middle'
  context.fillText(text, 4, HEIGHT / 2)
  return Buffer.from(canvas.data())
}

/** Pixels that are not white. */
function ink(buffer: Buffer): number {
  let count = 0
  for (let index = 0; index < buffer.length; index += 4) if (buffer[index] < 200) count++
  return count
}

// A family with no CJK glyphs: DejaVu Sans where the system has it, else a family that does not exist (the canvas's fallback).
const NO_CJK = GlobalFonts.has('DejaVu Sans') ? '"DejaVu Sans"' : '"kasumi-no-such-font"'
const PAIRS = [
  ['總務省', '総務省'],
  ['經濟產業省', '経済産業省'],
] as const

describe('CJK fonts', () => {
  beforeAll(async () => {
    await registerFonts()
  })

  it('registers Noto Sans JP and Noto Sans TC from the npm packages', () => {
    const files = fontFiles()
    expect(files.map((file) => file.path).some((path) => path.endsWith('NotoSansJP-Regular.otf'))).toBe(true)
    expect(files.map((file) => file.path).some((path) => path.endsWith('NotoSansHant-Regular.otf'))).toBe(true)
    expect(GlobalFonts.has(FAMILY_JP)).toBe(true)
    expect(GlobalFonts.has(FAMILY_TC)).toBe(true)
  })

  for (const lang of ['ja', 'zh-TW'] as const satisfies readonly Lang[]) {
    it(`draws traditional and simplified forms as distinct glyphs (${lang} family order)`, () => {
      const family = fontFamily(lang)
      for (const [traditional, japanese] of PAIRS) {
        const withFont = {traditional: pixels(traditional, family), japanese: pixels(japanese, family)}
        const fallback = {traditional: pixels(traditional, NO_CJK), japanese: pixels(japanese, NO_CJK)}
        // Each name drawn with the font differs from the same name drawn without CJK glyphs …
        expect(withFont.traditional.equals(fallback.traditional), `${traditional} with ${family}`).toBe(false)
        expect(withFont.japanese.equals(fallback.japanese), `${japanese} with ${family}`).toBe(false)
        // … and 總 and 総 (經濟產 and 経済産) are different glyphs, which tofu boxes never are.
        expect(withFont.traditional.equals(withFont.japanese), `${traditional} vs ${japanese}`).toBe(false)
        expect(ink(withFont.traditional)).toBeGreaterThan(200)
        expect(ink(withFont.japanese)).toBeGreaterThan(200)
      }
    })
  }

  it('shows what tofu looks like: without the fonts, different characters draw the same boxes', () => {
    const systemHasCjk = GlobalFonts.families.some(
      ({family}) => /CJK|Gothic|Mincho|Hei|Ming|Han/i.test(family) && family !== FAMILY_JP && family !== FAMILY_TC,
    )
    if (systemHasCjk) return
    expect(pixels('總務省', NO_CJK).equals(pixels('総務省', NO_CJK))).toBe(true)
  })

  it('renders chart labels with the fonts: charts differing only in 總/総 differ in pixels', async () => {
    const chart = (name: string): ChartSpec => ({
      id: 'cjk',
      kind: 'bar',
      title: '府省別',
      labels: [name, '財務省'],
      series: [{label: '千円', values: [10, 20]}],
      yTitle: '千円',
    })
    for (const [traditional, japanese] of PAIRS) {
      for (const lang of ['ja', 'zh-TW'] as const) {
        const a = await renderChart(chart(traditional), lang)
        const b = await renderChart(chart(japanese), lang)
        expect(a.equals(b), `${traditional} vs ${japanese} (${lang})`).toBe(false)
      }
    }
  })
})
