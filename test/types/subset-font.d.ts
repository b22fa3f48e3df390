/** subset-font ships no types: the part of its API the tests use, to check kasumi's own HarfBuzz calls against it. */
declare module 'subset-font' {
  interface SubsetOptions {
    /** The format of the result: 'sfnt' (TrueType/OpenType as it came), 'woff' or 'woff2'. */
    targetFormat?: 'sfnt' | 'truetype' | 'woff' | 'woff2'
    /** OpenType layout features to keep (default: all). */
    keepFeatures?: string[]
    noLayoutClosure?: boolean
  }
  export default function subsetFont(font: Buffer, text: string, options?: SubsetOptions): Promise<Buffer>
}
