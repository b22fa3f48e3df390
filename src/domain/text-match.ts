// Matching of names and headers as people type them: width- and case-insensitive keys, "did you mean" suggestions.

/** A key for matching names and headers: width-folded, lower case, without spaces, `_`, `-` or `・`. */
export function matchKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-・･.]/g, '')
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({length: b.length + 1}, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]
    previous[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return previous[b.length]
}

export function closest(input: string, candidates: Iterable<string>, maxDistance?: number): string | undefined {
  const key = matchKey(input)
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const distance = editDistance(key, matchKey(candidate))
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  const limit = maxDistance ?? Math.max(2, Math.floor(key.length / 3))
  return bestDistance <= limit ? best : undefined
}

/** A key for area names: width-folded, lower case, without spaces and middle dots (・ and the seed's ‧). */
export function areaKey(name: string): string {
  return matchKey(name).replace(/[‧·]/g, '')
}

/** Text of one letter case with digits, space, hyphen and full stop: Japanese collation orders it as its code points do. */
const CODE_POINT_ORDERED = [/^[0-9A-Z .-]*$/, /^[0-9a-z .-]*$/]

/**
 * `a.localeCompare(b, 'ja')`, the same answer, without ICU's collation for identifiers such as `CAS-0001`: the first
 * collation a process asks for costs ICU some milliseconds to set up, which a read command that sorts by id spares.
 * Over the characters of either pattern above, in one letter case, each character has its own primary weight, in the
 * order of the code points (space, `-`, `.`, digits, letters), and none forms a contraction, so collation compares as
 * the code points do (a test checks this against `Intl.Collator('ja')`); any other text is collated.
 */
export function compareJa(a: string, b: string): number {
  if (CODE_POINT_ORDERED.some((pattern) => pattern.test(a) && pattern.test(b))) return a < b ? -1 : a > b ? 1 : 0
  return a.localeCompare(b, 'ja')
}
