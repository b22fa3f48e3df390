/** The source of a published table, as its notes cite it. */
export interface CitedSource {
  original: string
  author: string
  document: string
  documentEn?: string
  location?: string
}
