import {sfntTables} from './woff2.js'

/**
 * Which characters an OpenType font draws, read straight from its `cmap`
 * table (OpenType 1.9, "cmap — Character to Glyph Index Mapping Table"):
 * the Unicode subtable of format 12 (segmented coverage, the full repertoire)
 * when the font has one, else of format 4 (the Basic Multilingual Plane).
 * Reading one table of a font already in memory takes a few milliseconds; a
 * full font parser would load and parse far more to answer the same question.
 */

/** Covered code points as sorted, disjoint ranges: starts[i]..ends[i], inclusive. */
export interface CharacterRanges {
  starts: Uint32Array
  ends: Uint32Array
}

/** Whether a code point lies in one of the ranges (binary search). */
export function covers(ranges: CharacterRanges, codePoint: number): boolean {
  const {starts, ends} = ranges
  let low = 0
  let high = starts.length - 1
  while (low <= high) {
    const middle = (low + high) >>> 1
    if (codePoint < starts[middle]) high = middle - 1
    else if (codePoint > ends[middle]) low = middle + 1
    else return true
  }
  return false
}

/** The characters an OpenType (sfnt) font maps to a glyph other than .notdef. */
export function characterRanges(font: Buffer): CharacterRanges {
  const cmap = sfntTables(font).tables.find((table) => table.tag === 'cmap')?.data
  if (!cmap || cmap.length < 4) throw new Error('the font has no cmap table')
  const count = cmap.readUInt16BE(2)
  let format12: number | undefined
  let format4: number | undefined
  for (let index = 0; index < count; index++) {
    const record = 4 + 8 * index
    if (record + 8 > cmap.length) break
    const platform = cmap.readUInt16BE(record)
    const encoding = cmap.readUInt16BE(record + 2)
    const offset = cmap.readUInt32BE(record + 4)
    if (offset + 2 > cmap.length) continue
    // Unicode subtables only: platform 0 (Unicode), or platform 3 (Windows) encodings 1 (BMP) and 10 (full repertoire).
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10))
    if (!unicode) continue
    const format = cmap.readUInt16BE(offset)
    if (format === 12) format12 ??= offset
    else if (format === 4) format4 ??= offset
  }
  if (format12 !== undefined) return format12Ranges(cmap, format12)
  if (format4 !== undefined) return merged(format4Ranges(cmap, format4))
  throw new Error('the font has no Unicode cmap subtable of format 4 or 12')
}

/**
 * The covered ranges of a format 12 subtable (segmented coverage). Its groups
 * come sorted by their first character (the specification requires it), so
 * neighbours are joined as they are read; a table out of order is sorted.
 */
function format12Ranges(cmap: Buffer, offset: number): CharacterRanges {
  const groups = Math.min(cmap.readUInt32BE(offset + 12), Math.max(0, Math.floor((cmap.length - offset - 16) / 12)))
  const view = new DataView(cmap.buffer, cmap.byteOffset, cmap.byteLength)
  const starts = new Uint32Array(groups)
  const ends = new Uint32Array(groups)
  let count = 0
  for (let group = 0; group < groups; group++) {
    const at = offset + 16 + 12 * group
    let start = view.getUint32(at)
    const end = view.getUint32(at + 4)
    // A group that starts at glyph 0 maps its first character to .notdef.
    if (view.getUint32(at + 8) === 0) start++
    if (start > end) continue
    if (count > 0 && start <= ends[count - 1] + 1 && start >= starts[count - 1]) {
      if (end > ends[count - 1]) ends[count - 1] = end
    } else if (count > 0 && start < starts[count - 1]) {
      // Out of order: sort and join the whole table instead.
      const ranges: Array<[number, number]> = []
      for (let index = 0; index < groups; index++) {
        const entry = offset + 16 + 12 * index
        const first = view.getUint32(entry) + (view.getUint32(entry + 8) === 0 ? 1 : 0)
        const last = view.getUint32(entry + 4)
        if (first <= last) ranges.push([first, last])
      }
      return merged(ranges)
    } else {
      starts[count] = start
      ends[count] = end
      count++
    }
  }
  return {starts: starts.slice(0, count), ends: ends.slice(0, count)}
}

/** The covered ranges of a format 4 subtable (segment mapping to delta values). */
function format4Ranges(cmap: Buffer, offset: number): Array<[number, number]> {
  const segments = cmap.readUInt16BE(offset + 6) / 2
  const ends = offset + 14
  const starts = ends + 2 * segments + 2
  const deltas = starts + 2 * segments
  const rangeOffsets = deltas + 2 * segments
  const ranges: Array<[number, number]> = []
  for (let segment = 0; segment < segments; segment++) {
    const end = cmap.readUInt16BE(ends + 2 * segment)
    const start = cmap.readUInt16BE(starts + 2 * segment)
    const delta = cmap.readUInt16BE(deltas + 2 * segment)
    const rangeOffsetAt = rangeOffsets + 2 * segment
    const rangeOffset = cmap.readUInt16BE(rangeOffsetAt)
    for (let code = start; code <= end && code !== 0xffff; code++) {
      let glyph: number
      if (rangeOffset === 0) glyph = (code + delta) & 0xffff
      else {
        const at = rangeOffsetAt + rangeOffset + 2 * (code - start)
        glyph = at + 2 <= cmap.length ? cmap.readUInt16BE(at) : 0
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff
      }
      if (glyph === 0) continue
      const last = ranges.at(-1)
      if (last && last[1] === code - 1) last[1] = code
      else ranges.push([code, code])
    }
  }
  return ranges
}

function merged(ranges: Array<[number, number]>): CharacterRanges {
  ranges.sort((a, b) => a[0] - b[0])
  const out: Array<[number, number]> = []
  for (const [start, end] of ranges) {
    const last = out.at(-1)
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end)
    else out.push([start, end])
  }
  return {starts: Uint32Array.from(out, (range) => range[0]), ends: Uint32Array.from(out, (range) => range[1])}
}
