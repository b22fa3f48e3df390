import {spawnSync} from 'node:child_process'
import {existsSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** What the build reads: when any of it is newer than the manifest the build writes last, `dist/` is stale. */
const SOURCES = [
  'src',
  'commands',
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts/vendor.js',
  'scripts/manifest.js',
  'scripts/scenario-schema.js',
  'scripts/schema-validators.js',
]
const STAMP = join(ROOT, 'oclif.manifest.json')

function newest(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = stat.mtimeMs
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)))
  return latest
}

/**
 * vitest's global setup: the tests run the built CLI (`dist/`, `oclif.manifest.json`), so it is rebuilt
 * first whenever a source is newer than the last build. `vitest` alone never tests a stale build.
 */
export default function setup(): void {
  const built = existsSync(STAMP) && existsSync(join(ROOT, 'dist')) ? statSync(STAMP).mtimeMs : 0
  const changed = Math.max(...SOURCES.map((source) => newest(join(ROOT, source))))
  if (built >= changed) return
  process.stderr.write(`kasumi tests: ${built === 0 ? 'no build yet' : 'sources changed since the last build'}; running \`npm run build\` first\n`)
  const result = spawnSync('npm', ['run', '--silent', 'build'], {cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit']})
  if (result.status !== 0) throw new Error('`npm run build` failed: the tests need a build of the current sources')
}
