/**
 * Credentials out of everything kasumi records or prints: database URLs,
 * command lines and free text. One place decides what a secret is.
 *
 * A URL is read as text, not with a URL parser, so that a password holding
 * `/`, `@`, `:` or `?` (which no parser reads as the user meant) is still
 * found: the user information runs from `://` to the last `@`, and everything
 * after the first `:` in it is the password. Query parameters whose name
 * holds "password" (libpq's `password`, `sslpassword`) are redacted too.
 */

export const REDACTED = '***'

const SCHEME = /[a-z][a-z0-9+.-]*:\/\//i
const QUERY_SECRET = /([?&][^=&#]*password[^=&#]*=)[^&#]*/gi

/** A URL with its password (and password query parameters) replaced by ***; text without a URL is returned as it is. */
export function redactUrl(target: string): string {
  const scheme = SCHEME.exec(target)
  if (!scheme) return target
  const start = scheme.index + scheme[0].length
  const head = target.slice(0, start)
  let rest = target.slice(start)
  const at = rest.lastIndexOf('@')
  if (at >= 0) {
    const userinfo = rest.slice(0, at)
    const colon = userinfo.indexOf(':')
    if (colon >= 0) rest = `${userinfo.slice(0, colon)}:${REDACTED}${rest.slice(at)}`
  }
  return head + rest.replace(QUERY_SECRET, `$1${REDACTED}`)
}

/** Each argument of a command line with any URL's credentials redacted (`--database=postgres://u:p@h/db` too). */
export function redactArgv(argv: readonly string[]): string[] {
  return argv.map((arg) => redactUrl(arg))
}

/**
 * The secrets held in database locations (a flag's value, KASUMI_DATABASE):
 * each password as written and percent-decoded. Used to scrub free text such
 * as a driver's error message, which may quote them in any form.
 */
export function secretsOf(locations: Iterable<string | undefined>): string[] {
  const secrets = new Set<string>()
  const add = (value: string) => {
    if (value.length < 4) return
    secrets.add(value)
    try {
      secrets.add(decodeURIComponent(value))
    } catch {
      // Not percent-encoded: the raw form is enough.
    }
  }
  for (const location of locations) {
    if (!location) continue
    const scheme = SCHEME.exec(location)
    if (!scheme) continue
    const rest = location.slice(scheme.index + scheme[0].length)
    const at = rest.lastIndexOf('@')
    if (at >= 0) {
      const userinfo = rest.slice(0, at)
      const colon = userinfo.indexOf(':')
      if (colon >= 0) add(userinfo.slice(colon + 1))
    }
    for (const match of rest.matchAll(/[?&][^=&#]*password[^=&#]*=([^&#]*)/gi)) add(match[1])
  }
  return [...secrets].filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length)
}

/** Free text with every URL's credentials and every given secret replaced by ***. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, (url) => redactUrl(url))
  for (const secret of secrets) out = out.split(secret).join(REDACTED)
  return out
}

/** A JSON-like value with redactText applied to every string in it (keys and values). */
export function redactDeep<T>(value: T, secrets: readonly string[] = []): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return redactText(node, secrets)
    if (Array.isArray(node)) return node.map(walk)
    if (node !== null && typeof node === 'object' && Object.getPrototypeOf(node) === Object.prototype) {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [redactText(key, secrets), walk(item)]))
    }
    return node
  }
  return walk(value) as T
}

/**
 * The characters a URL's user information holds unencoded that no URL parser
 * reads as the user meant (`/`, `?`, `#` end the authority): such a URL would
 * reach the driver cut in the wrong place, so it is refused before it is used.
 */
export function unencodedUserinfo(target: string): string[] {
  const scheme = SCHEME.exec(target)
  if (!scheme) return []
  const rest = target.slice(scheme.index + scheme[0].length)
  const at = rest.lastIndexOf('@')
  if (at < 0) return []
  return [...new Set(rest.slice(0, at).match(/[/?#]/g) ?? [])]
}
