import {readFile} from 'node:fs/promises'
import {createRequire} from 'node:module'

/**
 * Font subsetting with HarfBuzz's hb-subset, as compiled to WebAssembly by
 * the harfbuzzjs package, called directly: the few calls a subset takes, with
 * no font-format converters loaded beside it (kasumi writes WOFF2 itself, see
 * woff2.ts). The module is compiled once per process, and compiling can be
 * started ahead of the first subset (`prepareSubsetter`) so that it overlaps
 * reading the fonts.
 */

/** The part of the WebAssembly global kasumi uses (the compiler's library settings do not declare it). */
declare const WebAssembly: {
  instantiate(bytes: Uint8Array): Promise<{instance: {exports: unknown}}>
}

/** The hb-subset exports kasumi calls (pointers and handles are numbers in the module's memory). */
interface HarfBuzz {
  memory: {buffer: ArrayBuffer}
  _initialize(): void
  malloc(size: number): number
  free(pointer: number): void
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number
  hb_blob_destroy(blob: number): void
  hb_blob_get_data(blob: number, length: number): number
  hb_blob_get_length(blob: number): number
  hb_face_create(blob: number, index: number): number
  hb_face_destroy(face: number): void
  hb_face_reference_blob(face: number): number
  hb_set_add(set: number, value: number): void
  hb_set_clear(set: number): void
  hb_subset_input_create_or_fail(): number
  hb_subset_input_destroy(input: number): void
  hb_subset_input_set(input: number, which: number): number
  hb_subset_input_unicode_set(input: number): number
  hb_subset_or_fail(face: number, input: number): number
}

const HB_MEMORY_MODE_WRITABLE = 2
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6

/** The path of the hb-subset WebAssembly module. */
export function subsetterPath(): string {
  return createRequire(import.meta.url).resolve('harfbuzzjs/dist/harfbuzz-subset.wasm')
}

let loading: Promise<HarfBuzz> | undefined

/** Starts reading and compiling HarfBuzz, once per process; the first subset waits for it. */
export function prepareSubsetter(): Promise<unknown> {
  if (!loading) {
    loading = (async () => {
      const {instance} = await WebAssembly.instantiate(await readFile(subsetterPath()))
      const harfbuzz = instance.exports as unknown as HarfBuzz
      harfbuzz._initialize()
      return harfbuzz
    })()
    loading.catch(() => (loading = undefined))
  }
  return loading
}

/** An OpenType tag as the number HarfBuzz takes. */
function tag(name: string): number {
  return ((name.charCodeAt(0) << 24) | (name.charCodeAt(1) << 16) | (name.charCodeAt(2) << 8) | name.charCodeAt(3)) >>> 0
}

/**
 * A subset of an OpenType or TrueType font holding the code points and the
 * glyphs the kept layout features reach from them, in the font's own format
 * (CFF or TrueType outlines). Deterministic.
 */
export async function subsetFont(font: Uint8Array, codePoints: Iterable<number>, keepFeatures: readonly string[]): Promise<Buffer> {
  const harfbuzz = (await prepareSubsetter()) as HarfBuzz
  const input = harfbuzz.hb_subset_input_create_or_fail()
  if (input === 0) throw new Error('HarfBuzz could not make a subset input (out of memory)')
  const copy = harfbuzz.malloc(font.byteLength)
  let face = 0
  let subset = 0
  let blob = 0
  try {
    if (copy === 0) throw new Error('HarfBuzz could not take the font (out of memory)')
    // Memory can grow while HarfBuzz works, which detaches earlier views: each use takes a fresh one.
    new Uint8Array(harfbuzz.memory.buffer).set(font, copy)
    const source = harfbuzz.hb_blob_create(copy, font.byteLength, HB_MEMORY_MODE_WRITABLE, 0, 0)
    face = harfbuzz.hb_face_create(source, 0)
    harfbuzz.hb_blob_destroy(source)
    const features = harfbuzz.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG)
    harfbuzz.hb_set_clear(features)
    for (const feature of keepFeatures) harfbuzz.hb_set_add(features, tag(feature))
    const unicodes = harfbuzz.hb_subset_input_unicode_set(input)
    for (const codePoint of codePoints) harfbuzz.hb_set_add(unicodes, codePoint)
    subset = harfbuzz.hb_subset_or_fail(face, input)
    if (subset === 0) throw new Error('HarfBuzz could not subset the font: it may be damaged')
    blob = harfbuzz.hb_face_reference_blob(subset)
    const data = harfbuzz.hb_blob_get_data(blob, 0)
    const length = harfbuzz.hb_blob_get_length(blob)
    if (length === 0) throw new Error('HarfBuzz made an empty subset: the font may be damaged')
    return Buffer.from(new Uint8Array(harfbuzz.memory.buffer, data, length))
  } finally {
    if (blob) harfbuzz.hb_blob_destroy(blob)
    if (subset) harfbuzz.hb_face_destroy(subset)
    if (face) harfbuzz.hb_face_destroy(face)
    if (copy) harfbuzz.free(copy)
    harfbuzz.hb_subset_input_destroy(input)
  }
}
