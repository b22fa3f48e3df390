import {StringDecoder} from 'node:string_decoder'

/**
 * A small streaming reader of the XML that workbook parts are written in: it
 * takes the expanded part in chunks (UTF-8 split anywhere) and calls its
 * handler for each start tag, end tag and run of text, without building a
 * tree. It reads what spreadsheet XML uses: elements with or without a
 * namespace prefix (the prefix is dropped), attributes in either quote,
 * character and the five predefined entities, comments, CDATA sections,
 * processing instructions and a document type declaration (skipped; no
 * entity it declares is ever expanded). Anything else is an error.
 */
export interface XmlHandler {
  /** A start tag (`selfClosing` for `<c/>`): `name` without its prefix, `tag` the text between `<` and `>`. */
  open(name: string, tag: string, selfClosing: boolean): void
  /** An end tag, and after a self-closing tag's `open`. */
  close(name: string): void
  /** Raw text between tags, `text.slice(start, end)` (entities still in it): the handler slices and decodes (`xmlDecode`) what it keeps. */
  text(text: string, start: number, end: number): void
  /** CDATA content, taken as it is. */
  cdata?(text: string): void
}

export class XmlScanner {
  private readonly decoder = new StringDecoder('utf8')
  private rest = ''
  /** Set by the handler to stop reading (the rest of the part is not needed). */
  stopped = false

  constructor(private readonly handler: XmlHandler) {}

  /** Reads one chunk of bytes; complete tokens are handed on, an incomplete one waits for the next chunk. */
  write(chunk: Buffer): void {
    const text = this.rest + this.decoder.write(chunk)
    this.rest = this.scan(text)
  }

  /** The end of the part: anything left unread is a truncated document. */
  end(): void {
    const text = this.rest + this.decoder.end()
    this.rest = this.scan(text)
    if (!this.stopped && this.rest.trim() !== '') throw new Error(`the XML ends inside a tag (${this.rest.slice(0, 40)})`)
  }

  /** Scans complete tokens of `text`; returns what is left for the next chunk. */
  private scan(text: string): string {
    const handler = this.handler
    let at = 0
    const length = text.length
    while (at < length && !this.stopped) {
      const lt = text.indexOf('<', at)
      if (lt < 0) {
        // Text up to the end of the chunk: hand on all of it but a possible partial entity.
        const amp = text.lastIndexOf('&')
        const cut = amp >= at && text.indexOf(';', amp) < 0 ? amp : length
        if (cut > at) handler.text(text, at, cut)
        return text.slice(cut)
      }
      if (lt > at) handler.text(text, at, lt)
      const next = text.charCodeAt(lt + 1)
      if (Number.isNaN(next)) return text.slice(lt)
      if (next === 0x21 /* ! */) {
        if (text.startsWith('<!--', lt)) {
          const end = text.indexOf('-->', lt + 4)
          if (end < 0) return text.slice(lt)
          at = end + 3
        } else if (text.startsWith('<![CDATA[', lt)) {
          const end = text.indexOf(']]>', lt + 9)
          if (end < 0) return text.slice(lt)
          const content = text.slice(lt + 9, end)
          if (handler.cdata) handler.cdata(content)
          at = end + 3
        } else if (text.startsWith('<!DOCTYPE', lt)) {
          // An internal subset may hold `>` inside brackets; no declaration in it is acted on.
          const bracket = text.indexOf('[', lt)
          const close = text.indexOf('>', lt)
          if (close < 0) return text.slice(lt)
          if (bracket >= 0 && bracket < close) {
            const end = text.indexOf(']>', bracket)
            if (end < 0) return text.slice(lt)
            at = end + 2
          } else {
            at = close + 1
          }
        } else {
          if (length - lt < 9) return text.slice(lt)
          throw new Error(`unexpected markup ${JSON.stringify(text.slice(lt, lt + 12))}`)
        }
        continue
      }
      if (next === 0x3f /* ? */) {
        const end = text.indexOf('?>', lt + 2)
        if (end < 0) return text.slice(lt)
        at = end + 2
        continue
      }
      const gt = tagEnd(text, lt + 1)
      if (gt < 0) return text.slice(lt)
      if (next === 0x2f /* / */) {
        let end = gt
        while (isSpace(text.charCodeAt(end - 1))) end--
        handler.close(localName(text.slice(lt + 2, end)))
      } else {
        const selfClosing = text.charCodeAt(gt - 1) === 0x2f
        const inner = selfClosing ? gt - 1 : gt
        let nameEnd = lt + 1
        while (nameEnd < inner && !isSpace(text.charCodeAt(nameEnd))) nameEnd++
        const qualified = text.slice(lt + 1, nameEnd)
        const name = localName(qualified)
        if (name === '') throw new Error(`a tag without a name at ${JSON.stringify(text.slice(lt, lt + 12))}`)
        // Most tags of a sheet (<v>, <row>) have no attributes: their text is their name.
        handler.open(name, nameEnd === inner ? qualified : text.slice(lt + 1, inner), selfClosing)
        if (selfClosing) handler.close(name)
      }
      at = gt + 1
    }
    return this.stopped ? '' : text.slice(at)
  }
}

/** The `>` that ends the tag starting at `from`, outside quoted attribute values; -1 when it is not in `text` yet. */
function tagEnd(text: string, from: number): number {
  let gt = text.indexOf('>', from)
  while (gt >= 0) {
    // A `>` may stand inside an attribute value: the quotes before it must pair up.
    let quote = 0
    for (let index = from; index < gt; index++) {
      const char = text.charCodeAt(index)
      if (quote === 0) {
        if (char === 0x22 || char === 0x27) quote = char
      } else if (char === quote) {
        quote = 0
      }
    }
    if (quote === 0) return gt
    gt = text.indexOf('>', gt + 1)
  }
  return -1
}

function isSpace(char: number): boolean {
  return char === 0x20 || char === 0x09 || char === 0x0a || char === 0x0d
}

function localName(name: string): string {
  const colon = name.indexOf(':')
  return colon < 0 ? name : name.slice(colon + 1)
}

/** Calls `each` with every attribute of a start tag (its name without prefix, its value decoded). */
export function eachAttribute(tag: string, each: (name: string, value: string) => void): void {
  let at = tag.length
  for (let index = 0; index < tag.length; index++) {
    if (isSpace(tag.charCodeAt(index))) {
      at = index
      break
    }
  }
  while (at < tag.length) {
    const equals = tag.indexOf('=', at)
    if (equals < 0) break
    const name = tag.slice(at, equals).trim()
    let open = equals + 1
    while (open < tag.length && tag.charCodeAt(open) !== 0x22 && tag.charCodeAt(open) !== 0x27) open++
    const close = tag.indexOf(tag[open], open + 1)
    if (open >= tag.length || close < 0) throw new Error(`an attribute without a closing quote in <${tag.slice(0, 40)}>`)
    const raw = tag.slice(open + 1, close)
    each(name, raw.includes('&') ? xmlDecode(raw) : raw)
    at = close + 1
  }
}

/** The value of one attribute of a start tag (by its name as written), or undefined. */
export function attribute(tag: string, wanted: string): string | undefined {
  let found: string | undefined
  eachAttribute(tag, (name, value) => {
    if (name === wanted) found = value
  })
  return found
}

const NAMED: Record<string, string> = {lt: '<', gt: '>', amp: '&', quot: '"', apos: "'"}

/** Text with its character and predefined entity references replaced; any other reference is an error. */
export function xmlDecode(raw: string): string {
  if (!raw.includes('&')) return raw
  return raw.replace(/&([^;&]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw new Error(`a bare & in ${JSON.stringify(raw.slice(0, 40))}`)
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1))
      if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) throw new Error(`a bad character reference &${body};`)
      return String.fromCodePoint(code)
    }
    const named = NAMED[body]
    if (named === undefined) throw new Error(`an unknown entity &${body};`)
    return named
  })
}
