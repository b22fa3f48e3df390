/** The text encodings `--encoding` takes (auto: a byte-order mark, else UTF-8); apart from the reader, so flags load no parser. */
export const ENCODINGS = ['auto', 'utf-8', 'shift_jis', 'big5'] as const
export type EncodingOption = (typeof ENCODINGS)[number]
