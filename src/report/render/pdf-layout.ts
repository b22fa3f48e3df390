/**
 * Text laid out without the shaper where shaping would change nothing.
 *
 * PDFKit lays every word out with fontkit's OpenType shaper (GSUB
 * substitutions, GPOS kerning), which costs some 0.2 ms a word in a fresh
 * process; a report's tables are mostly figures whose glyphs no lookup of
 * the fonts touches. For a font of a few hundred glyphs (the report's
 * subsets) this module finds, once, which glyphs any GSUB lookup or a GPOS
 * lookup other than pair kerning could change, and looks each pair of
 * neighbouring glyphs up in the pair-kerning lookups the first time it meets
 * it. A run whose characters map to none of those glyphs and whose pairs
 * kerning moves by nothing is laid out as the shaper would: each character's
 * glyph from the cmap, at its advance width. Any other run goes to the shaper
 * as before, so the glyphs and positions (and the PDF's bytes) are the same
 * either way.
 */

interface Glyph {
  id: number
  advanceWidth: number
  codePoints: number[]
}

/** What PDFKit keeps of a laid-out run (positions scaled to 1000 units per em). */
export interface LaidOutRun {
  glyphs: Glyph[]
  positions: Array<{xAdvance: number; yAdvance: number; xOffset: number; yOffset: number; advanceWidth: number}>
  advanceWidth: number
}

/** fontkit's parsed arrays: plain, or read on demand (restructure's LazyArray). */
type List<T> = T[] | {length: number; get(index: number): T; toArray(): T[]}

interface Coverage {
  version: number
  glyphs?: List<number>
  rangeRecords?: List<{start: number; end: number}>
}

interface ClassDef {
  version: number
  startGlyph?: number
  classValueArray?: List<number>
  classRangeRecord?: List<{start: number; end: number; class: number}>
}

interface LookupTable {
  version?: number
  coverage?: Coverage
  pairSets?: List<List<{secondGlyph: number; value1?: object; value2?: object}>>
  classDef1?: ClassDef
  classDef2?: ClassDef
  classRecords?: List<List<{value1?: object; value2?: object}>>
  posType?: number
  lookupType?: number
  extension?: LookupTable
  [key: string]: unknown
}

interface Lookup {
  lookupType: number
  flags?: {flags?: {ignoreBaseGlyphs?: boolean; ignoreLigatures?: boolean}}
  subTables: List<LookupTable>
}

interface LayoutTables {
  lookupList?: List<Lookup>
}

interface FontkitFont {
  numGlyphs: number
  directory: {tables: Record<string, unknown>}
  GSUB?: LayoutTables
  GPOS?: LayoutTables
  GDEF?: {glyphClassDef?: ClassDef}
  glyphForCodePoint(codePoint: number): Glyph
}

/** PDFKit's font for an embedded OpenType font (its EmbeddedFont). */
interface EmbeddedFont {
  font: FontkitFont
  scale: number
  layoutRun(text: string, features?: unknown): LaidOutRun
}

const items = <T>(list: List<T> | undefined): T[] => (list === undefined ? [] : Array.isArray(list) ? list : list.toArray())
const item = <T>(list: List<T> | undefined, index: number): T | undefined =>
  list === undefined ? undefined : Array.isArray(list) ? list[index] : index < list.length ? list.get(index) : undefined

function coverageGlyphs(coverage: Coverage | undefined): number[] {
  if (!coverage) return []
  if (coverage.version === 1) return items(coverage.glyphs)
  const glyphs: number[] = []
  for (const range of items(coverage.rangeRecords)) for (let glyph = range.start; glyph <= range.end; glyph++) glyphs.push(glyph)
  return glyphs
}

/** A class definition as a map from glyph to class (a glyph it does not list is in class 0). */
function classMap(definition: ClassDef | undefined): Map<number, number> {
  const classes = new Map<number, number>()
  if (definition?.version === 1) items(definition.classValueArray).forEach((value, index) => classes.set((definition.startGlyph ?? 0) + index, value))
  else if (definition?.version === 2)
    for (const range of items(definition.classRangeRecord)) for (let glyph = range.start; glyph <= range.end; glyph++) classes.set(glyph, range.class)
  return classes
}

/** Whether a value record moves or widens a glyph (a device table counts as doing so). */
const moves = (value: object | undefined): boolean => value !== undefined && Object.values(value).some((field) => field != null && field !== 0)

/** Every coverage table a subtable holds, at any depth (contexts, chains): the glyphs a lookup may start at. */
function allCoverage(table: unknown, into: Set<number>, depth = 0): void {
  if (table === null || typeof table !== 'object' || depth > 4) return
  for (const [key, value] of Object.entries(table)) {
    if (/coverage/i.test(key)) {
      const list = Array.isArray(value) || (value && typeof (value as {toArray?: unknown}).toArray === 'function')
      for (const coverage of list ? items(value as List<Coverage>) : [value as Coverage])
        for (const glyph of coverageGlyphs(coverage)) into.add(glyph)
    } else if (key === 'extension') allCoverage(value, into, depth + 1)
  }
}

/** A pair-kerning subtable, with its first glyphs' coverage indexes and its classes read once. */
interface PairTable {
  table: LookupTable
  /** Each first glyph's coverage index. */
  firsts: Map<number, number>
  classes1: Map<number, number>
  classes2: Map<number, number>
}

/** What of a font the shaper could change: what a run must avoid to be laid out directly. */
class Reach {
  /** Glyphs some lookup other than pair kerning may change, and marks. */
  readonly touched = new Set<number>()
  readonly pairs: PairTable[] = []
  /** Pairs (first × 65536 + second) already looked up: whether kerning moves them. */
  private readonly kerned = new Map<number, boolean>()

  /** Whether some pair-kerning subtable adjusts the pair (read on first asking, as the shaper reads it). */
  kerns(first: number, second: number): boolean {
    const key = first * 65536 + second
    let found = this.kerned.get(key)
    if (found === undefined) {
      found = this.pairs.some(({table, firsts, classes1, classes2}) => {
        const index = firsts.get(first)
        if (index === undefined) return false
        if (table.version === 1) {
          const pair = items(item(table.pairSets, index)).find((each) => each.secondGlyph === second)
          return pair !== undefined && (moves(pair.value1) || moves(pair.value2))
        }
        const record = item(item(table.classRecords, classes1.get(first) ?? 0), classes2.get(second) ?? 0)
        return record === undefined || moves(record.value1) || moves(record.value2)
      })
      this.kerned.set(key, found)
    }
    return found
  }
}

/** The shaper's reach in a font, or undefined when the font is not one this module reads (too large, AAT, a kern table). */
function reachOf(font: FontkitFont): Reach | undefined {
  const tables = font.directory.tables
  if (font.numGlyphs > 4096 || 'morx' in tables || 'mort' in tables || 'kern' in tables) return undefined
  const reach = new Reach()
  for (const lookup of items(font.GSUB?.lookupList)) for (const table of items(lookup.subTables)) allCoverage(table, reach.touched)
  for (const lookup of items(font.GPOS?.lookupList)) {
    const flags = lookup.flags?.flags
    for (const subtable of items(lookup.subTables)) {
      const [type, table] = lookup.lookupType === 9 ? [subtable.posType, subtable.extension] : [lookup.lookupType, subtable]
      if (!table) continue
      // Pair kerning that skips bases or ligatures pairs glyphs that are not neighbours: its first glyphs are left to the shaper.
      if (type === 2 && (table.version === 1 || table.version === 2) && !flags?.ignoreBaseGlyphs && !flags?.ignoreLigatures) {
        const firsts = new Map(coverageGlyphs(table.coverage).map((glyph, index) => [glyph, index]))
        reach.pairs.push({table, firsts, classes1: classMap(table.classDef1), classes2: classMap(table.classDef2)})
      } else {
        allCoverage(table, reach.touched)
      }
    }
  }
  const marks = font.GDEF?.glyphClassDef
  if (marks) for (const [glyph, value] of classMap(marks)) if (value === 3) reach.touched.add(glyph)
  return reach
}

/**
 * Characters of scripts fontkit sets with its default shaper and that are
 * neither marks nor ignorable (Latin, punctuation, symbols, CJK and kana);
 * a run with any other character goes to the shaper.
 */
function plain(code: number): boolean {
  return (
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0xa0 && code <= 0x24f && code !== 0xad) ||
    (code >= 0x2010 && code <= 0x2027) ||
    (code >= 0x2030 && code <= 0x205e) ||
    (code >= 0x2070 && code <= 0x20cf) ||
    (code >= 0x2100 && code <= 0x2bff) ||
    (code >= 0x3000 && code <= 0x30ff && !(code >= 0x302a && code <= 0x302f) && code !== 0x3099 && code !== 0x309a) ||
    (code >= 0x3400 && code <= 0x9fff) ||
    (code >= 0xff01 && code <= 0xffef)
  )
}

/** A run laid out directly, or undefined when the shaper could change it. */
export function directRun(font: FontkitFont, reach: Reach, scale: number, text: string): LaidOutRun | undefined {
  const glyphs: Glyph[] = []
  let previous = -1
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (!plain(code)) return undefined
    const glyph = font.glyphForCodePoint(code)
    if (glyph.id === 0 || reach.touched.has(glyph.id) || (previous >= 0 && reach.kerns(previous, glyph.id))) return undefined
    glyphs.push(glyph)
    previous = glyph.id
  }
  const positions: LaidOutRun['positions'] = []
  let advanceWidth = 0
  for (const glyph of glyphs) {
    // As PDFKit scales the shaper's positions (and as the shaper's run sums them).
    const advance = glyph.advanceWidth * scale
    positions.push({xAdvance: advance, yAdvance: 0, xOffset: 0, yOffset: 0, advanceWidth: advance})
    advanceWidth += advance
  }
  return {glyphs, positions, advanceWidth}
}

const patched = new WeakSet<object>()

/**
 * Lets a PDFKit font lay out runs directly where the shaper would change
 * nothing (see above). A font PDFKit does not hold as expected is left as it is.
 */
export function layOutDirectly(pdfFont: unknown): void {
  if (!pdfFont || typeof pdfFont !== 'object' || patched.has(pdfFont)) return
  patched.add(pdfFont)
  const embedded = pdfFont as Partial<EmbeddedFont>
  const {font, scale, layoutRun} = embedded
  if (!font || typeof scale !== 'number' || typeof layoutRun !== 'function' || typeof font.glyphForCodePoint !== 'function') return
  const reach = reachOf(font)
  if (!reach) return
  embedded.layoutRun = function (text: string, features?: unknown): LaidOutRun {
    return (features === undefined ? directRun(font, reach, scale, text) : undefined) ?? layoutRun.call(this, text, features)
  }
}
