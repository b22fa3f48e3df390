import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'

import type {Lang} from '../domain/lang.js'

/**
 * The fonts charts are drawn with: Noto Sans JP and Noto Sans TC, shipped as
 * npm packages so that CJK labels render the same on every machine, without
 * system fonts. Ministry names mix both scripts (總務省 in the 2009 table,
 * 総務省 in Japanese data), so both are registered and listed: the first
 * family for the document's language, the other as the fallback for the
 * characters the first lacks.
 */

export const FAMILY_JP = 'Noto Sans JP'
export const FAMILY_TC = 'Noto Sans TC'
/**
 * The fallback for characters neither Noto Sans CJK form has (the floor
 * brackets ⌊ ⌋ of the method notes, other mathematical and technical
 * symbols): DejaVu Sans, from the npm package that ships its TrueType files.
 * Reports embed it (HTML) or set text in it (PDF); charts do not use it.
 */
export const FAMILY_FALLBACK = 'DejaVu Sans'
export const FALLBACK_PACKAGE = 'dejavu-fonts-ttf'
const GENERIC = 'sans-serif'

interface FontFile {
  family: string
  /** The package whose `fonts/` folder holds the file. */
  pkg: string
  file: string
}

const FILES: readonly FontFile[] = [
  {family: FAMILY_JP, pkg: '@embedpdf/fonts-jp', file: 'NotoSansJP-Regular.otf'},
  {family: FAMILY_JP, pkg: '@embedpdf/fonts-jp', file: 'NotoSansJP-Bold.otf'},
  {family: FAMILY_TC, pkg: '@embedpdf/fonts-tc', file: 'NotoSansHant-Regular.otf'},
  {family: FAMILY_TC, pkg: '@embedpdf/fonts-tc', file: 'NotoSansHant-Bold.otf'},
]

/** The CSS font-family list for a language: Traditional Chinese first for zh-TW, Japanese first otherwise. */
export function fontFamily(lang: Lang): string {
  const order = lang === 'zh-TW' ? [FAMILY_TC, FAMILY_JP] : [FAMILY_JP, FAMILY_TC]
  return [...order.map((family) => `"${family}"`), GENERIC].join(', ')
}

/**
 * Where a font file is. The Noto packages export only their JavaScript entry
 * (not `package.json`), so the entry is resolved and the `fonts/` folder
 * found beside its `dist/` folder; DejaVu's package has no entry, and its
 * files lie in the `ttf/` folder beside its `package.json`.
 */
export function fontPath(pkg: string, file: string): string {
  const require = createRequire(import.meta.url)
  if (pkg === FALLBACK_PACKAGE) return join(dirname(require.resolve(`${pkg}/package.json`)), 'ttf', file)
  return join(dirname(require.resolve(pkg)), '..', 'fonts', file)
}

/** The font files kasumi registers, with their family names. */
export function fontFiles(): Array<{family: string; path: string}> {
  return FILES.map(({family, pkg, file}) => ({family, path: fontPath(pkg, file)}))
}

let registered: Promise<void> | undefined

/** Registers the fonts with the canvas library, once per process. */
export function registerFonts(): Promise<void> {
  registered ??= (async () => {
    const {GlobalFonts} = await import('@napi-rs/canvas')
    for (const {family, path} of fontFiles()) {
      if (GlobalFonts.registerFromPath(path, family) === null) throw new Error(`The font ${path} could not be registered as ${family}.`)
    }
  })().catch((error: unknown) => {
    registered = undefined
    throw error
  })
  return registered
}
