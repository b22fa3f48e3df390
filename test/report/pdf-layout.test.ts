import {describe, expect, it} from 'vitest'

import {fontSubsets} from '../../src/report/embed-fonts.js'
import {layOutDirectly, type LaidOutRun} from '../../src/report/render/pdf-layout.js'

/**
 * Runs the PDF lays out without the shaper: for every font the PDF is set in
 * (the subsets of Noto Sans JP and TC and DejaVu Sans, both weights), the
 * glyphs and positions of a run are the same as fontkit's shaper gives
 * through PDFKit, for figures, kerned Latin text (AV, To, f-ligatures), CJK
 * names and mixed runs; and runs the shaper changes still go to it.
 */

const TEXT = '総務省 財務省 經濟產業省 審查 合計 千円 — FY2012 ⌊h⌋ AVAWAY To Ta Te ff fi fl ffi ‘quoted’ “double” (1,234,567) -0.5 % № ½'

type Font = {layoutRun(text: string, features?: unknown): LaidOutRun; font: unknown}

/** Every font the PDF would set the text in, opened by PDFKit. */
async function pdfFonts(): Promise<Array<{name: string; font: Font; characters: string[]}>> {
  const {default: PDFDocument} = await import('pdfkit')
  const doc = new PDFDocument({autoFirstPage: false})
  const fonts: Array<{name: string; font: Font; characters: string[]}> = []
  for (const subset of await fontSubsets(TEXT, 'ja')) {
    for (const weight of ['regular', 'bold'] as const) {
      const name = `${subset.family}-${weight}`
      doc.registerFont(name, subset[weight])
      doc.font(name)
      fonts.push({name, font: (doc as unknown as {_font: Font})._font, characters: subset.characters})
    }
  }
  return fonts
}

/** The run as plain data: glyph ids and code points, positions, width. */
function plain(run: LaidOutRun) {
  return {
    glyphs: run.glyphs.map((glyph) => [glyph.id, ...glyph.codePoints]),
    positions: run.positions.map((position) => [position.xAdvance, position.yAdvance, position.xOffset, position.yOffset, position.advanceWidth]),
    advanceWidth: run.advanceWidth,
  }
}

describe('runs laid out without the shaper', () => {
  it('are the same as the shaper’s, in every font of the PDF', async () => {
    const fonts = await pdfFonts()
    expect(fonts.map((font) => font.name)).toEqual(['jp-regular', 'jp-bold', 'tc-regular', 'tc-bold', 'fallback-regular', 'fallback-bold'])
    for (const {name, font, characters} of fonts) {
      const shaped = (text: string) => plain(Object.getPrototypeOf(font).layoutRun.call(font, text))
      const samples = new Set<string>(TEXT.split(' ').filter((word) => [...word].every((char) => characters.includes(char))))
      // Every pair of the font's printable ASCII and of the text's characters, and figures as the tables show them.
      const alphabet = characters.filter((char) => (char >= ' ' && char <= '~') || TEXT.includes(char))
      for (const first of alphabet) for (const second of alphabet) samples.add(first + second)
      for (const figure of ['1,234,567', '-12.5', '0.0 %', '2,024 ', '(3)', '9,999,999,999']) samples.add(figure)
      layOutDirectly(font)
      let direct = 0
      for (const sample of samples) {
        const run = font.layoutRun(sample)
        expect(plain(run), `${name}: ${JSON.stringify(sample)}`).toEqual(shaped(sample))
        if (!('features' in run)) direct++
      }
      // Most runs skip the shaper (each font kerns some pairs of Latin letters and punctuation).
      expect(direct, name).toBeGreaterThan(samples.size / 2)
    }
  }, 120_000)

  it('leaves kerned pairs and ligatures to the shaper', async () => {
    const fonts = await pdfFonts()
    const jp = fonts.find((font) => font.name === 'jp-regular')!.font
    layOutDirectly(jp)
    // fontkit's own runs carry the features the shaper applied; a direct run has none.
    expect('features' in jp.layoutRun('AV')).toBe(true)
    expect('features' in jp.layoutRun('fi')).toBe(true)
    expect('features' in jp.layoutRun('1,234')).toBe(false)
    expect('features' in jp.layoutRun('総務省')).toBe(false)
  })
})
