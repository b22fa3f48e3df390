import {basename} from 'node:path'

import {InvalidInputError, type InputIssue} from '../domain/errors.js'

/** A key path inside a YAML document: keys and list positions. */
export type KeyPath = Array<string | number>

export interface YamlSource {
  file: string
  raw: Record<string, unknown>
  /** The line of a key path (or of its nearest parent that has one). */
  line(path: KeyPath): number | undefined
}

/** What a YAML reader says of the file it reads. */
export interface YamlDocumentKind {
  /** The file's kind in messages: "scenario", "mapping". */
  what: string
  /** The most YAML aliases the document may expand (an alias bomb is refused beyond it). */
  maxAliasCount: number
  /** The most syntax problems listed. */
  maxIssues: number
  /** What a document of this kind is, said when the file holds no mapping of keys. */
  shape: string
}

/**
 * YAML (or JSON) text to plain data, with the line of every key: syntax errors,
 * alias bombs (with the line of the first alias) and over-deep nesting are input
 * errors naming the line. Scenario files and saved mappings are read here.
 */
export async function readYamlDocument(text: string, file: string, kind: YamlDocumentKind): Promise<YamlSource> {
  const {what, maxAliasCount} = kind
  const YAML = await import('yaml')
  const lineCounter = new YAML.LineCounter()
  const unreadable = (issues: InputIssue[]) => new InvalidInputError(`${basename(file)}: the ${what} cannot be read`, issues)
  let document: import('yaml').Document.Parsed
  try {
    document = YAML.parseDocument(text, {lineCounter, prettyErrors: false})
  } catch (error) {
    throw unreadable([{file, message: `not valid YAML: ${String((error as Error).message).split('\n')[0]}`}])
  }
  const syntax = document.errors.map((error): InputIssue => {
    // Without prettyErrors the parser gives only offsets (pos); the line counter turns them into line and column.
    const position = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0])
    const deep = /call stack/i.test(error.message)
    return {
      file,
      line: position.line,
      column: `col ${position.col}`,
      message: deep ? `not a ${what}: lists or mappings nested too deeply to read` : `not valid YAML: ${error.message.split('\n')[0]}`,
    }
  })
  if (syntax.length > 0) throw unreadable(syntax.slice(0, kind.maxIssues))
  let raw: unknown
  try {
    raw = document.toJS({maxAliasCount})
  } catch (error) {
    let line: number | undefined
    YAML.visit(document, {
      Alias(_, node) {
        if (node.range) line = lineCounter.linePos(node.range[0]).line
        return YAML.visit.BREAK
      },
    })
    const aliases = error instanceof ReferenceError && /alias/i.test(error.message)
    throw unreadable([
      aliases
        ? {
            file,
            line,
            message: `its YAML aliases (*name) expand beyond kasumi's limit (an alias count of ${maxAliasCount}): the file would grow without bound`,
            hint: 'write the values out, or use fewer aliases',
          }
        : {file, line, message: `not valid YAML: ${String((error as Error).message).split('\n')[0]}`},
    ])
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidInputError(`${basename(file)}: the ${what} is empty`, [{file, message: kind.shape}])
  }
  // The line of a key (where a block value would start a line later), of a list item, or of the nearest parent that has one.
  const line = (path: KeyPath): number | undefined => {
    if (path.length === 0) return undefined
    const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true)
    const last = path.at(-1)
    let node: unknown
    if (YAML.isMap(parent)) node = parent.items.find((pair) => (YAML.isScalar(pair.key) ? pair.key.value : pair.key) === last)?.key
    else if (YAML.isSeq(parent) && typeof last === 'number') node = parent.items[last]
    const range = (node as {range?: [number, number, number]} | undefined)?.range
    return range ? lineCounter.linePos(range[0]).line : line(path.slice(0, -1))
  }
  return {file, raw: raw as Record<string, unknown>, line}
}

/** A key path as issues name it: `costs.amounts[1].column`. */
export function keyPathText(path: KeyPath): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('')
}

export function valueAt(value: unknown, path: KeyPath): unknown {
  let current = value
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string | number, unknown>)[part]
  }
  return current
}

export function shortValue(value: unknown): string | undefined {
  if (value === undefined) return undefined
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}
