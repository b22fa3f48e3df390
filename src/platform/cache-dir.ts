import {homedir} from 'node:os'
import {join} from 'node:path'

/**
 * The folder for kasumi's caches (what it can always make again, such as the
 * font subsets a report embeds): KASUMI_CACHE_DIR when set (an empty value:
 * no cache), else the system's cache folder — $XDG_CACHE_HOME or ~/.cache on
 * Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows — with a
 * `kasumi` folder in it. Undefined when there is none.
 */
export function cacheDir(): string | undefined {
  const set = process.env.KASUMI_CACHE_DIR
  if (set !== undefined) return set === '' ? undefined : set
  const home = homedir()
  if (process.platform === 'win32') return process.env.LOCALAPPDATA ? join(process.env.LOCALAPPDATA, 'kasumi', 'Cache') : undefined
  if (process.platform === 'darwin') return home ? join(home, 'Library', 'Caches', 'kasumi') : undefined
  const base = process.env.XDG_CACHE_HOME || (home ? join(home, '.cache') : undefined)
  return base ? join(base, 'kasumi') : undefined
}
