/**
 * Text from users' files on a terminal or in Markdown. Names, headers and
 * values come from spreadsheets kasumi does not control: a cell may hold an
 * escape sequence that clears the screen or sets the window title, a lone
 * carriage return that moves the cursor, or Unicode bidirectional controls
 * that show text in another order than it is stored (CVE-2021-42574,
 * "Trojan Source"). Everything kasumi prints of such text goes through
 * `terminalText`, which shows each of these characters as a visible escape
 * instead of letting the terminal act on it.
 */

/**
 * Unicode bidirectional formatting characters (Unicode Standard Annex #9):
 * LRM, RLM, ALM, the embeddings and overrides LRE RLE PDF LRO RLO, and the
 * isolates LRI RLI FSI PDI.
 */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

/**
 * Characters a terminal acts on or hides: C0 controls (line breaks and tabs
 * included), DEL, C1 controls (CSI, OSC … as single code points), the line
 * and paragraph separators, and the bidirectional controls.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
// eslint-disable-next-line no-control-regex
const UNSAFE_TEST = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

const LINE_BREAK = /^(?:\r\n|[\r\n\u2028\u2029])$/
const LINE_BREAK_OR_UNSAFE = new RegExp(`\\r\\n|${UNSAFE.source}`, 'g')

const NAMED: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'}

/** One unsafe character as its visible escape, as JSON writes it: `\n`, `\r`, `\t`, else `\u001b`, `\u202e`. */
export function escapeControl(char: string): string {
  return NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
}

/**
 * The most of a value an input issue keeps and an error message echoes, in
 * characters; a longer value is cut, with a count of the rest.
 */
export const ECHO_LIMIT = 100

const CUT_MARK = /… \(\+[\d,]+ characters\)$/

/**
 * Cuts text to `limit` characters (never inside a surrogate pair), saying how
 * much was left out: `abc… (+49,999,997 characters)`. Text cut before is left as it is.
 */
export function truncateText(text: string, limit = ECHO_LIMIT): string {
  if (text.length <= limit) return text
  const mark = CUT_MARK.exec(text)
  if (mark && mark.index <= limit) return text
  let cut = limit
  const code = text.charCodeAt(cut - 1)
  if (code >= 0xd800 && code <= 0xdbff) cut--
  return `${text.slice(0, cut)}… (+${(text.length - cut).toLocaleString('en')} characters)`
}

/** Whether the text holds any character `terminalText` would escape. */
export function hasUnsafeText(text: string): boolean {
  return UNSAFE_TEST.test(text)
}

/** Whether the text holds Unicode bidirectional controls. */
export function hasBidiControls(text: string): boolean {
  return BIDI_CONTROLS.test(text)
}

/** The bidirectional controls in a text, as code points (`U+202E`), each once. */
export function bidiControlNames(text: string): string[] {
  const found = new Set<string>()
  for (const char of text) {
    if (BIDI_CONTROLS.test(char)) found.add(`U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`)
  }
  return [...found]
}

/**
 * User data made safe to print on a terminal: every control character, C1
 * control, escape sequence introducer, line break and bidirectional control
 * is shown as a visible escape (`\u001b[2J`, `\r`, `\u202e`), so the text
 * cannot move the cursor, clear the screen, set a title or reorder a line.
 * With `limit`, text longer than that many characters is cut first.
 */
export function terminalText(text: string, options: {limit?: number} = {}): string {
  const cut = options.limit === undefined ? text : truncateText(text, options.limit)
  return UNSAFE_TEST.test(cut) ? cut.replace(UNSAFE, escapeControl) : cut
}

/** A value as an error message quotes it: cut to `ECHO_LIMIT` characters, then made safe for a terminal. */
export function echoValue(text: string, limit = ECHO_LIMIT): string {
  return terminalText(text, {limit})
}

/**
 * The same, for text that is not for a terminal but for a file shown as text
 * (Markdown): unsafe characters are escaped visibly, except that line breaks
 * (CRLF, a lone CR or LF, U+2028, U+2029) are replaced by `lineBreak`.
 */
export function visibleText(text: string, lineBreak: string): string {
  if (!UNSAFE_TEST.test(text)) return text
  return text.replace(LINE_BREAK_OR_UNSAFE, (match) => (LINE_BREAK.test(match) ? lineBreak : escapeControl(match)))
}

/**
 * A message of several lines for a terminal: each line made safe as by
 * `terminalText`, the line feeds between them kept.
 */
export function terminalLines(text: string): string {
  return text.includes('\n')
    ? text
        .split('\n')
        .map((line) => terminalText(line))
        .join('\n')
    : terminalText(text)
}

const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * JSON text (pretty, two spaces) that is safe on a terminal too: besides the
 * C0 controls JSON always escapes, DEL, the C1 controls, the line separators
 * and the bidirectional controls are written as `\u` escapes. The JSON means
 * the same; only its bytes differ.
 */
export function terminalJson(value: unknown): string {
  return (JSON.stringify(value, null, 2) ?? 'null').replace(JSON_UNSAFE, escapeControl)
}
