import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import * as fontkit from 'fontkit'
import {describe, expect, it} from 'vitest'

import {charactersOf, embedFonts, fontBytes, fontFaceCss, splitByFamily} from '../../src/report/embed-fonts.js'
import {subsetFont} from '../../src/report/harfbuzz.js'
import {sfntTables, toWoff2, uintBase128} from '../../src/report/woff2.js'

/**
 * The font subsets report.html carries: real subsets of the shipped Noto
 * fonts, read back with fontkit (which decodes WOFF2 itself), so that the
 * WOFF2 writer and the choice of characters are checked independently of
 * the code that made them.
 */

const TEXT = '総務省 財務省 經濟產業省 審查 Total 1,234,567 千円 — FY2012 ⌊h⌋'

const FEATURES = ['ccmp', 'locl', 'kern', 'liga', 'calt']
const codePoints = (text: string) => [...text].map((char) => char.codePointAt(0)!)

function open(woff2: Buffer): fontkit.Font {
  const font = fontkit.create(woff2)
  if (!('hasGlyphForCodePoint' in font)) throw new Error('a collection')
  return font
}

describe('WOFF2 writer', () => {
  it('writes UIntBase128 as the recommendation does', () => {
    expect([...uintBase128(0)]).toEqual([0])
    expect([...uintBase128(127)]).toEqual([127])
    expect([...uintBase128(128)]).toEqual([0x81, 0])
    expect([...uintBase128(63_000)]).toEqual([0x83, 0xec, 0x18])
    expect([...uintBase128(0xffffffff)]).toEqual([0x8f, 0xff, 0xff, 0xff, 0x7f])
  })

  it('keeps every table, and the same font gives the same bytes', async () => {
    const sfnt = await subsetFont(await fontBytes('@embedpdf/fonts-jp', 'NotoSansJP-Regular.otf'), codePoints('総務省ABC'), FEATURES)
    const woff2 = await toWoff2(sfnt)
    expect(woff2.subarray(0, 4).toString('latin1')).toBe('wOF2')
    expect(woff2.readUInt32BE(8)).toBe(woff2.length)
    expect(woff2.length % 4).toBe(0)
    expect(woff2.length).toBeLessThan(sfnt.length)
    expect((await toWoff2(sfnt)).equals(woff2)).toBe(true)
    const font = open(woff2)
    // fontkit reads WOFF2 with its own decoder: the same tables, each as long as in the font.
    const directory = (font as any).directory.tables as Record<string, {length: number}>
    expect(Object.keys(directory).sort()).toEqual(
      sfntTables(sfnt)
        .tables.map((table) => table.tag)
        .sort(),
    )
    for (const {tag, data} of sfntTables(sfnt).tables) expect(directory[tag].length, tag).toBe(data.length)
    for (const char of '総務省ABC') expect(font.hasGlyphForCodePoint(char.codePointAt(0)!), char).toBe(true)
    expect(font.hasGlyphForCodePoint('財'.codePointAt(0)!)).toBe(false)
    expect(font.postscriptName).toBe('NotoSansJP-Regular')
  })

  it('cuts the same subsets as subset-font, which makes the same HarfBuzz calls through its own wrapper', async () => {
    const {default: reference} = await import('subset-font')
    for (const [pkg, file] of [
      ['@embedpdf/fonts-jp', 'NotoSansJP-Bold.otf'],
      ['dejavu-fonts-ttf', 'DejaVuSans.ttf'],
    ]) {
      const font = await fontBytes(pkg, file)
      const ours = await subsetFont(font, codePoints(TEXT), FEATURES)
      const theirs = await reference(font, TEXT, {targetFormat: 'sfnt', keepFeatures: FEATURES})
      expect(ours.equals(theirs), file).toBe(true)
    }
  })

  it('refuses a damaged font with an error instead of a subset', async () => {
    const font = Buffer.from(await fontBytes('dejavu-fonts-ttf', 'DejaVuSans.ttf'))
    await expect(subsetFont(font.subarray(0, 64), codePoints('ABC'), FEATURES)).rejects.toThrow(/HarfBuzz/)
  })

  it('refuses what is not an OpenType font', async () => {
    await expect(toWoff2(Buffer.from('<html></html>'))).rejects.toThrow(/not an OpenType font/)
  })
})

describe('font subsets for a report', () => {
  it('takes each character once, without control characters', () => {
    expect(charactersOf('b\na\tb総\u0085総')).toEqual(['a', 'b', '総'])
  })

  it('puts Japanese first for en and ja, Traditional Chinese first for zh-TW; the second family has only what the first lacks, the fallback what neither has', async () => {
    const characters = charactersOf(`${TEXT}\u{10FFFD}`)
    for (const lang of ['en', 'ja'] as const) {
      const {first, second, fallback, missing} = await splitByFamily(characters, lang)
      expect(first).toContain('総')
      expect(first).toContain('經')
      expect(second).toEqual(['查'])
      expect(fallback).toEqual(['⌊', '⌋'])
      expect(missing).toEqual(['\u{10FFFD}'])
    }
    const {first, second, fallback, missing} = await splitByFamily(characters, 'zh-TW')
    expect(first).toContain('查')
    expect(first).toContain('經')
    expect(first.length + second.length + fallback.length + missing.length).toBe(characters.length)
    expect(fallback).toEqual(['⌊', '⌋'])
  })

  it('reads which characters a font has from its cmap (format 12 for Noto Sans CJK, format 4 for DejaVu Sans), as fontkit does', async () => {
    const {characterRanges, covers} = await import('../../src/report/cmap.js')
    for (const [pkg, file] of [
      ['@embedpdf/fonts-tc', 'NotoSansHant-Regular.otf'],
      ['dejavu-fonts-ttf', 'DejaVuSans.ttf'],
    ] as const) {
      const bytes = await fontBytes(pkg, file)
      const ranges = characterRanges(bytes)
      const font = open(bytes)
      const expected = new Set(font.characterSet)
      let count = 0
      for (let index = 0; index < ranges.starts.length; index++) count += ranges.ends[index] - ranges.starts[index] + 1
      expect(count, file).toBe(expected.size)
      for (const code of [0x20, 0x41, 0x230a, 0x67e5, 0x7dcf, 0x1f600, 0x10fffd])
        expect(covers(ranges, code), `${file} U+${code.toString(16)}`).toBe(expected.has(code))
    }
  })

  it('joins a format 12 cmap’s groups into sorted, disjoint ranges, whether or not the font lists them in order', async () => {
    const {characterRanges} = await import('../../src/report/cmap.js')
    // A font with only a cmap table: one Windows full-repertoire subtable of format 12 with the given groups.
    const fontWith = (groups: Array<[number, number, number]>) => {
      const subtable = Buffer.alloc(16 + 12 * groups.length)
      subtable.writeUInt16BE(12, 0)
      subtable.writeUInt32BE(subtable.length, 4)
      subtable.writeUInt32BE(groups.length, 12)
      groups.forEach(([start, end, glyph], index) => {
        subtable.writeUInt32BE(start, 16 + 12 * index)
        subtable.writeUInt32BE(end, 20 + 12 * index)
        subtable.writeUInt32BE(glyph, 24 + 12 * index)
      })
      const cmap = Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 3, 0, 10, 0, 0, 0, 12]), subtable])
      const header = Buffer.alloc(12 + 16)
      header.writeUInt32BE(0x00010000, 0)
      header.writeUInt16BE(1, 4)
      header.write('cmap', 12, 'latin1')
      header.writeUInt32BE(28, 20)
      header.writeUInt32BE(cmap.length, 24)
      return Buffer.concat([header, cmap])
    }
    const ranges = (groups: Array<[number, number, number]>) => {
      const found = characterRanges(fontWith(groups))
      return [...found.starts].map((start, index) => [start, found.ends[index]])
    }
    const inOrder: Array<[number, number, number]> = [
      [0x20, 0x20, 0],
      [0x41, 0x42, 5],
      [0x43, 0x43, 9],
      [0x45, 0x46, 10],
      [0x4e00, 0x4e00, 20],
    ]
    // The group at glyph 0 covers nothing (its only character maps to .notdef); neighbours are joined.
    expect(ranges(inOrder)).toEqual([
      [0x41, 0x43],
      [0x45, 0x46],
      [0x4e00, 0x4e00],
    ])
    expect(ranges([inOrder[4], inOrder[2], inOrder[0], inOrder[3], inOrder[1]])).toEqual(ranges(inOrder))
  })

  it('embeds both weights of each family it needs, holding exactly the text’s characters; the same text gives the same bytes', async () => {
    const embedding = await embedFonts(TEXT, 'ja')
    expect(embedding.faces.map((face) => `${face.family} ${face.weight} ${face.file}`)).toEqual([
      'Noto Sans JP 400 NotoSansJP-Regular.otf',
      'Noto Sans JP 700 NotoSansJP-Bold.otf',
      'Noto Sans TC 400 NotoSansHant-Regular.otf',
      'Noto Sans TC 700 NotoSansHant-Bold.otf',
      'DejaVu Sans 400 DejaVuSans.ttf',
      'DejaVu Sans 700 DejaVuSans-Bold.ttf',
    ])
    expect(embedding.missing).toEqual([])
    const [regular, , tc] = embedding.faces
    const jp = open(regular.woff2)
    for (const char of charactersOf(TEXT).filter((char) => !'查⌊⌋'.includes(char)))
      expect(jp.hasGlyphForCodePoint(char.codePointAt(0)!), char).toBe(true)
    expect(jp.hasGlyphForCodePoint('財'.codePointAt(0)!)).toBe(true)
    expect(jp.hasGlyphForCodePoint('庁'.codePointAt(0)!)).toBe(false)
    expect(open(tc.woff2).hasGlyphForCodePoint('查'.codePointAt(0)!)).toBe(true)
    expect(open(tc.woff2).hasGlyphForCodePoint('総'.codePointAt(0)!)).toBe(false)
    // The fallback's subset (TrueType outlines, WOFF2 with glyf and loca untransformed) has the floor brackets.
    const fallback = open(embedding.faces[4].woff2)
    for (const char of '⌊⌋') expect(fallback.hasGlyphForCodePoint(char.codePointAt(0)!), char).toBe(true)
    expect(fallback.getGlyph(fallback.glyphForCodePoint(0x230a).id).path.commands.length).toBeGreaterThan(0)
    expect(regular.characters).toBe(charactersOf(TEXT).length - 3)
    expect(regular.bytes).toBe(regular.woff2.length)

    const again = await embedFonts(TEXT, 'ja')
    expect(fontFaceCss(again.faces)).toBe(fontFaceCss(embedding.faces))
    const css = fontFaceCss(embedding.faces)
    expect(css.match(/@font-face/g)).toHaveLength(6)
    expect(css).toContain('font-family: "Noto Sans JP"; font-style: normal; font-weight: 700;')
    expect(css).toContain(`src: url(data:font/woff2;base64,${regular.woff2.toString('base64')}) format("woff2")`)
  })

  it('keeps a text’s subsets in the cache folder and reads them back as cut; an entry that does not read back whole is cut again', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kasumi-font-cache-'))
    const before = process.env.KASUMI_CACHE_DIR
    process.env.KASUMI_CACHE_DIR = folder
    try {
      const cut = await embedFonts('合計 ⌊h⌋ 總務省', 'ja')
      const entries = readdirSync(join(folder, 'fonts'))
      expect(entries).toHaveLength(1)
      expect(entries[0]).toMatch(/^[0-9a-f]{64}\.json$/)
      const read = await embedFonts('合計 ⌊h⌋ 總務省', 'ja')
      expect(fontFaceCss(read.faces)).toBe(fontFaceCss(cut.faces))
      expect(read).toEqual(cut)
      // Another language orders the families differently: another entry.
      await embedFonts('合計 ⌊h⌋ 總務省', 'zh-TW')
      expect(readdirSync(join(folder, 'fonts'))).toHaveLength(2)
      // A cut-short entry is cut again, to the same bytes, and written whole.
      const entry = join(folder, 'fonts', entries[0])
      writeFileSync(entry, readFileSync(entry, 'utf8').slice(0, 500))
      expect(fontFaceCss((await embedFonts('合計 ⌊h⌋ 總務省', 'ja')).faces)).toBe(fontFaceCss(cut.faces))
      expect(JSON.parse(readFileSync(entry, 'utf8')).faces).toHaveLength(cut.faces.length)
    } finally {
      if (before === undefined) delete process.env.KASUMI_CACHE_DIR
      else process.env.KASUMI_CACHE_DIR = before
      rmSync(folder, {recursive: true, force: true})
    }
  })

  it('embeds nothing for a text without characters', async () => {
    expect(await embedFonts('\n\t', 'en')).toEqual({faces: [], missing: []})
    expect(fontFaceCss([])).toBe('')
  })
})
