import {createHash} from 'node:crypto'
import {statSync} from 'node:fs'
import {mkdir, readFile, rename, rm, writeFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {extname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import type {Lang} from '../domain/lang.js'
import {cacheDir} from '../platform/paths.js'
import {characterRanges, covers} from './cmap.js'
import {FALLBACK_PACKAGE, FAMILY_FALLBACK, FAMILY_JP, FAMILY_TC, fontPath} from './fonts.js'
import {sfntTables, toWoff2, WOFF2_QUALITY} from './woff2.js'

/**
 * The fonts a self-contained report carries: subsets of Noto Sans JP and
 * Noto Sans TC (the fonts the charts are drawn with) holding exactly the
 * characters the report shows, so that names read the same on a machine
 * without CJK fonts. The document's language picks the first family
 * (Traditional Chinese forms for zh-TW, Japanese otherwise); the text picks
 * the second: it holds only the characters the first lacks. Characters
 * neither has (the floor brackets of the method notes, say) come from the
 * fallback family, DejaVu Sans, when it has them. Both weights the
 * stylesheet uses (400 and 700) are embedded. Characters no font has are
 * left to the system fonts.
 *
 * The subsets keep the OpenType features a browser applies to horizontal
 * text by default (and the glyphs they reach), not the alternates that only
 * a stylesheet's font-feature-settings would ask for: the report asks for
 * none, and the full closure (vertical, proportional, traditional and
 * expert forms) would make the subsets some 60 % larger and slower to cut.
 *
 * Cutting them takes a few tenths of a second in a fresh process (HarfBuzz's
 * WebAssembly runs slowly until V8 has optimised it), so the subsets of a
 * text are kept in kasumi's cache folder (see `cacheDir`), under a key made
 * of everything they are made from: the characters, the language, the size
 * and time of each font file and of the subsetter, and the recipe. The same
 * inputs give the same bytes with or without the cache; an entry that does
 * not read back whole is made again, and a cache that cannot be written is
 * left alone.
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
  /** Characters of the text that no font has (drawn by the system's fonts). */
  missing: string[]
}

/** The report's font families: the two Noto Sans CJK forms, and the fallback for what neither has. */
export type Family = 'jp' | 'tc' | 'fallback'

export interface Source {
  family: string
  weight: 400 | 700
  pkg: string
  file: string
}

export const SOURCES: Record<Family, readonly [Source, Source]> = {
  jp: [
    {family: FAMILY_JP, weight: 400, pkg: '@embedpdf/fonts-jp', file: 'NotoSansJP-Regular.otf'},
    {family: FAMILY_JP, weight: 700, pkg: '@embedpdf/fonts-jp', file: 'NotoSansJP-Bold.otf'},
  ],
  tc: [
    {family: FAMILY_TC, weight: 400, pkg: '@embedpdf/fonts-tc', file: 'NotoSansHant-Regular.otf'},
    {family: FAMILY_TC, weight: 700, pkg: '@embedpdf/fonts-tc', file: 'NotoSansHant-Bold.otf'},
  ],
  fallback: [
    {family: FAMILY_FALLBACK, weight: 400, pkg: FALLBACK_PACKAGE, file: 'DejaVuSans.ttf'},
    {family: FAMILY_FALLBACK, weight: 700, pkg: FALLBACK_PACKAGE, file: 'DejaVuSans-Bold.ttf'},
  ],
}

/** The OpenType features browsers apply to horizontal text unless a stylesheet says otherwise. */
const DEFAULT_FEATURES = ['ccmp', 'locl', 'mark', 'mkmk', 'kern', 'liga', 'clig', 'calt', 'rlig', 'rvrn']

/** Which family comes first for a language (the fallback always comes last). */
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
const coverages = new Map<Family, Promise<Coverage>>()

/** Whether a family's regular font has a glyph for a character (both weights cover the same characters). */
export function coverage(family: Family): Promise<Coverage> {
  let found = coverages.get(family)
  if (!found) {
    found = (async () => {
      const {pkg, file} = SOURCES[family][0]
      const ranges = characterRanges(await fontBytes(pkg, file))
      return (codePoint: number) => covers(ranges, codePoint)
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

/**
 * Splits characters between the language's first family, the second, the
 * fallback, and none. A family's font is read only when the ones before it
 * leave characters over.
 */
export async function splitByFamily(
  characters: readonly string[],
  lang: Lang,
): Promise<{first: string[]; second: string[]; fallback: string[]; missing: string[]}> {
  const [firstFamily, secondFamily] = fontOrder(lang)
  const parts: string[][] = []
  let rest = [...characters]
  for (const family of [firstFamily, secondFamily, 'fallback'] as const) {
    const has = rest.length > 0 ? await coverage(family) : () => false
    const taken: string[] = []
    const left: string[] = []
    for (const char of rest) (has(char.codePointAt(0)!) ? taken : left).push(char)
    parts.push(taken)
    rest = left
  }
  return {first: parts[0], second: parts[1], fallback: parts[2], missing: rest}
}

/**
 * A subset of one font holding the characters (OpenType with the font's own
 * outlines, CFF or TrueType), keeping the features browsers apply by default.
 * Deterministic.
 */
export async function subsetOf(source: Source, characters: readonly string[]): Promise<Buffer> {
  const {subsetFont} = await import('./harfbuzz.js')
  const codePoints = characters.map((char) => char.codePointAt(0)!)
  return subsetFont(await fontBytes(source.pkg, source.file), codePoints, DEFAULT_FEATURES)
}

/** The subsets of every family the text needs, both weights, for its characters: from the cache, or cut. Deterministic. */
export async function embedFonts(text: string, lang: Lang): Promise<FontEmbedding> {
  const characters = charactersOf(text)
  if (characters.length === 0) return {faces: [], missing: []}
  const folder = cacheDir()
  const file = folder ? join(folder, 'fonts', `${cacheKey(characters, lang)}.json`) : undefined
  const cached = file ? await readCached(file) : undefined
  if (cached) return cached
  const embedding = await cutFonts(characters, lang)
  if (file) await writeCached(file, embedding)
  return embedding
}

const CACHE_FORMAT = 1

/** What a text's subsets are made from (each file by its name, size and time), as a SHA-256. */
function cacheKey(characters: readonly string[], lang: Lang): string {
  const require = createRequire(import.meta.url)
  const identity = (path: string) => {
    const stat = statSync(path)
    return [path.split(/[/\\]/).pop(), stat.size, stat.mtimeMs]
  }
  const inputs = {
    format: CACHE_FORMAT,
    features: DEFAULT_FEATURES,
    quality: WOFF2_QUALITY,
    lang,
    fonts: Object.values(SOURCES).flatMap((sources) => sources.map((source) => identity(fontPath(source.pkg, source.file)))),
    // The subsetter, and this code and the WOFF2 writer's (a new build makes new entries).
    code: [
      identity(require.resolve('harfbuzzjs/dist/harfbuzz-subset.wasm')),
      identity(fileURLToPath(import.meta.url)),
      ...['harfbuzz', 'woff2'].map((name) =>
        identity(fileURLToPath(new URL(`./${name}${extname(fileURLToPath(import.meta.url))}`, import.meta.url))),
      ),
    ],
    characters: characters.join(''),
  }
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex')
}

interface CachedFace extends Omit<FontFace, 'woff2'> {
  woff2: string
}

/** A cached embedding, or undefined when there is none or it does not read back whole. */
async function readCached(file: string): Promise<FontEmbedding | undefined> {
  try {
    const entry = JSON.parse(await readFile(file, 'utf8')) as {faces: CachedFace[]; missing: string[]}
    const faces = entry.faces.map((face) => ({...face, woff2: Buffer.from(face.woff2, 'base64')}))
    const whole = faces.every(
      (face) =>
        face.woff2.length === face.bytes &&
        face.woff2.length >= 48 &&
        face.woff2.readUInt32BE(0) === 0x774f4632 &&
        face.woff2.readUInt32BE(8) === face.bytes,
    )
    return whole && Array.isArray(entry.missing) ? {faces, missing: entry.missing} : undefined
  } catch {
    return undefined
  }
}

/** Keeps an embedding in the cache. */
async function writeCached(file: string, embedding: FontEmbedding): Promise<void> {
  await writeEntry(file, {faces: embedding.faces.map((face) => ({...face, woff2: face.woff2.toString('base64')})), missing: embedding.missing})
}

/** Writes a cache entry beside its place and renames it into place, so that a reader sees all or nothing; failures are left. */
async function writeEntry(file: string, entry: unknown): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`
  try {
    await mkdir(join(file, '..'), {recursive: true})
    await writeFile(temporary, JSON.stringify(entry))
    await rename(temporary, file)
  } catch {
    await rm(temporary, {force: true}).catch(() => undefined)
  }
}

/** Printable ASCII. */
const ASCII = Array.from({length: 0x7f - 0x20}, (_, index) => String.fromCharCode(0x20 + index))

export interface FamilySubset {
  family: Family
  /** The characters the subsets hold. */
  characters: string[]
  /** The regular and bold subsets, as OpenType fonts. */
  regular: Buffer
  bold: Buffer
}

/**
 * OpenType subsets (both weights) of each family a text needs, for a PDF:
 * the first family always, the others when the text has characters only
 * they have; each with the printable ASCII it has besides, so that spaces,
 * digits and Latin letters can stay in the run they are in. Kept in the
 * cache like the HTML's subsets. Deterministic.
 */
export async function fontSubsets(text: string, lang: Lang): Promise<FamilySubset[]> {
  const characters = charactersOf(text)
  const folder = cacheDir()
  const file = folder ? join(folder, 'fonts', `${cacheKey(characters, lang)}-otf.json`) : undefined
  if (file) {
    try {
      const entry = JSON.parse(await readFile(file, 'utf8')) as Array<{family: Family; characters: string[]; regular: string; bold: string}>
      const subsets = entry.map((subset) => ({...subset, regular: Buffer.from(subset.regular, 'base64'), bold: Buffer.from(subset.bold, 'base64')}))
      // An entry that does not read back as fonts is cut again.
      for (const subset of subsets) for (const font of [subset.regular, subset.bold]) sfntTables(font)
      return subsets
    } catch {
      // Not cached, or not whole.
    }
  }
  const {prepareSubsetter} = await import('./harfbuzz.js')
  void prepareSubsetter().catch(() => undefined)
  const {first, second, fallback} = await splitByFamily(characters, lang)
  const [firstFamily, secondFamily] = fontOrder(lang)
  const subsets: FamilySubset[] = []
  for (const [family, own] of [
    [firstFamily, first],
    [secondFamily, second],
    ['fallback', fallback],
  ] as const) {
    if (own.length === 0 && family !== firstFamily) continue
    const has = await coverage(family)
    const all = [...new Set([...own, ...ASCII.filter((char) => has(char.codePointAt(0)!))])].sort()
    const [regular, bold] = SOURCES[family]
    subsets.push({family, characters: all, regular: await subsetOf(regular, all), bold: await subsetOf(bold, all)})
  }
  if (file)
    await writeEntry(
      file,
      subsets.map((subset) => ({...subset, regular: subset.regular.toString('base64'), bold: subset.bold.toString('base64')})),
    )
  return subsets
}

/** Cuts the subsets of every family the characters need, both weights. */
async function cutFonts(characters: readonly string[], lang: Lang): Promise<FontEmbedding> {
  // HarfBuzz compiles while every font is read, on the thread pool and side by side, and their character maps are
  // parsed. A family the text turns out not to need was read for nothing (a few megabytes); a font read later would
  // come in only slowly, since reading a file takes turns of this thread, which cutting keeps busy.
  const {prepareSubsetter} = await import('./harfbuzz.js')
  void prepareSubsetter().catch(() => undefined)
  const [firstFamily, secondFamily] = fontOrder(lang)
  for (const source of Object.values(SOURCES).flat()) void fontBytes(source.pkg, source.file).catch(() => undefined)
  const {first, second, fallback, missing} = await splitByFamily(characters, lang)
  const wanted = (
    [
      [firstFamily, first],
      [secondFamily, second],
      ['fallback', fallback],
    ] as const
  ).filter(([, characters]) => characters.length > 0)
  const faces: Array<Promise<FontFace>> = []
  for (const [family, characters] of wanted) {
    for (const source of SOURCES[family]) {
      // HarfBuzz cuts one subset at a time; each is compressed on the thread pool while the next is cut.
      const sfnt = await subsetOf(source, characters)
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
