import {readFile} from 'node:fs/promises'

import type {Lang} from '../domain/lang.js'
import {FAMILY_JP, FAMILY_TC, fontPath} from './fonts.js'
import {toWoff2} from './woff2.js'

/**
 * The fonts a self-contained report carries: subsets of Noto Sans JP and
 * Noto Sans TC (the fonts the charts are drawn with) holding exactly the
 * characters the report shows, so that names read the same on a machine
 * without CJK fonts. The document's language picks the first family
 * (Traditional Chinese forms for zh-TW, Japanese otherwise); the text picks
 * the second: it holds only the characters the first lacks. Both weights the
 * stylesheet uses (400 and 700) are embedded. Characters neither font has are
 * left to the system fonts.
 */

export interface FontFace {
  family: string
  weight: 400 | 700
  /** The font file the subset was cut from. */
  file: string
  /** How many characters the subset holds. */
  characters: number
  /** The size of the WOFF2 subset. */
  bytes: number
  woff2: Buffer
}

export interface FontEmbedding {
  faces: FontFace[]
  /** Characters of the text that neither font has (drawn by the system's fonts). */
  missing: string[]
}

interface Source {
  family: string
  weight: 400 | 700
  pkg: string
  file: string
}

const SOURCES: Record<'jp' | 'tc', readonly Source[]> = {
  jp: [
    {family: FAMILY_JP, weight: 400, pkg: '@embedpdf/fonts-jp', file: 'NotoSansJP-Regular.otf'},
    {family: FAMILY_JP, weight: 700, pkg: '@embedpdf/fonts-jp', file: 'NotoSansJP-Bold.otf'},
  ],
  tc: [
    {family: FAMILY_TC, weight: 400, pkg: '@embedpdf/fonts-tc', file: 'NotoSansHant-Regular.otf'},
    {family: FAMILY_TC, weight: 700, pkg: '@embedpdf/fonts-tc', file: 'NotoSansHant-Bold.otf'},
  ],
}

/** Which family comes first for a language. */
export function fontOrder(lang: Lang): ['jp', 'tc'] | ['tc', 'jp'] {
  return lang === 'zh-TW' ? ['tc', 'jp'] : ['jp', 'tc']
}

const files = new Map<string, Promise<Buffer>>()

/** A font file's bytes, read once per process. */
export function fontBytes(pkg: string, file: string): Promise<Buffer> {
  const path = fontPath(pkg, file)
  let bytes = files.get(path)
  if (!bytes) {
    bytes = readFile(path)
    bytes.catch(() => files.delete(path))
    files.set(path, bytes)
  }
  return bytes
}

type Coverage = (codePoint: number) => boolean
const coverages = new Map<string, Promise<Coverage>>()

/** Whether a family's regular font has a glyph for a character (both weights cover the same characters). */
export function coverage(family: 'jp' | 'tc'): Promise<Coverage> {
  let found = coverages.get(family)
  if (!found) {
    found = (async () => {
      const {pkg, file} = SOURCES[family][0]
      const fontkit = await import('fontkit')
      const font = fontkit.create(await fontBytes(pkg, file))
      if (!('hasGlyphForCodePoint' in font)) throw new Error(`${file} is a font collection, not a font`)
      return (codePoint: number) => font.hasGlyphForCodePoint(codePoint)
    })()
    found.catch(() => coverages.delete(family))
    coverages.set(family, found)
  }
  return found
}

/** The distinct characters of a text that are drawn (no control characters), in code point order. */
export function charactersOf(text: string): string[] {
  const seen = new Set<number>()
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue
    seen.add(code)
  }
  return [...seen].sort((a, b) => a - b).map((code) => String.fromCodePoint(code))
}

/** Splits characters between the language's first family, the second, and neither. */
export async function splitByFamily(characters: readonly string[], lang: Lang): Promise<{first: string[]; second: string[]; missing: string[]}> {
  const [firstFamily, secondFamily] = fontOrder(lang)
  const [hasFirst, hasSecond] = await Promise.all([coverage(firstFamily), coverage(secondFamily)])
  const first: string[] = []
  const second: string[] = []
  const missing: string[] = []
  for (const char of characters) {
    const code = char.codePointAt(0)!
    if (hasFirst(code)) first.push(char)
    else if (hasSecond(code)) second.push(char)
    else missing.push(char)
  }
  return {first, second, missing}
}

/** Cuts the subsets of both families, both weights, for the characters of a text. Deterministic. */
export async function embedFonts(text: string, lang: Lang): Promise<FontEmbedding> {
  const {first, second, missing} = await splitByFamily(charactersOf(text), lang)
  const [firstFamily, secondFamily] = fontOrder(lang)
  const {default: subsetFont} = await import('subset-font')
  const faces: Array<Promise<FontFace>> = []
  for (const [family, characters] of [
    [firstFamily, first],
    [secondFamily, second],
  ] as const) {
    if (characters.length === 0) continue
    for (const source of SOURCES[family]) {
      // HarfBuzz cuts one subset at a time; each is compressed on the thread pool while the next is cut.
      const sfnt = await subsetFont(await fontBytes(source.pkg, source.file), characters.join(''), {targetFormat: 'sfnt'})
      faces.push(
        toWoff2(sfnt).then((woff2) => ({
          family: source.family,
          weight: source.weight,
          file: source.file,
          characters: characters.length,
          bytes: woff2.length,
          woff2,
        })),
      )
    }
  }
  return {faces: await Promise.all(faces), missing}
}

/** The @font-face rules of the faces, each font as a base64 data: URI. */
export function fontFaceCss(faces: readonly FontFace[]): string {
  return faces
    .map(
      (face) =>
        `@font-face { font-family: "${face.family}"; font-style: normal; font-weight: ${face.weight}; font-display: block; src: url(data:font/woff2;base64,${face.woff2.toString('base64')}) format("woff2"); }`,
    )
    .join('\n')
}
