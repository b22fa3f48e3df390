/** How many cells of a terminal (or columns of a fixed-width layout) text takes. */

/** SGR sequences (colour, bold): they take no room on the screen. */
// eslint-disable-next-line no-control-regex
const SGR = /\u001B\[[\d;]*m/g
export const PLAIN_ASCII = /^[\u0020-\u007E]*$/
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]$/u
const EMOJI = /^\p{Emoji_Presentation}$/u

/**
 * How many terminal cells a line of text takes: printable ASCII is one cell a
 * character (the common case, measured without looking at code points); East
 * Asian wide and fullwidth characters and emoji take two; combining marks,
 * format and control characters none. SGR colour codes are not counted.
 */
export function displayWidth(text: string): number {
  if (PLAIN_ASCII.test(text)) return text.length
  let width = 0
  for (const char of text.replace(SGR, '')) {
    const code = char.codePointAt(0)!
    if (code < 0x7f && code >= 0x20) width += 1
    else if (ZERO_WIDTH.test(char)) continue
    else width += isWide(code) || EMOJI.test(char) ? 2 : 1
  }
  return width
}

/** East Asian Wide (W) and Fullwidth (F) code points (Unicode Standard Annex #11), by block. */
function isWide(code: number): boolean {
  return (
    code >= 0x1100 &&
    (code <= 0x115f || // Hangul Jamo
      code === 0x2329 ||
      code === 0x232a ||
      (code >= 0x2e80 && code <= 0x3247 && code !== 0x303f) || // CJK radicals … enclosed CJK letters
      (code >= 0x3250 && code <= 0x4dbf) || // … CJK Unified Ideographs Extension A
      (code >= 0x4e00 && code <= 0xa4c6) || // CJK Unified Ideographs … Yi
      (code >= 0xa960 && code <= 0xa97c) || // Hangul Jamo Extended-A
      (code >= 0xac00 && code <= 0xd7a3) || // Hangul Syllables
      (code >= 0xf900 && code <= 0xfaff) || // CJK Compatibility Ideographs
      (code >= 0xfe10 && code <= 0xfe19) || // Vertical Forms
      (code >= 0xfe30 && code <= 0xfe6b) || // CJK Compatibility Forms, Small Form Variants
      (code >= 0xff01 && code <= 0xff60) || // Fullwidth Forms
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x1b000 && code <= 0x1b2ff) || // Kana Supplement, Extended-A, Small Kana, Nushu
      (code >= 0x1f200 && code <= 0x1f251) || // Enclosed Ideographic Supplement
      (code >= 0x20000 && code <= 0x3fffd)) // CJK Unified Ideographs Extension B … Tertiary Ideographic Plane
  )
}
