import {readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

// Kysely ships as some 260 ES modules; resolving and loading them one by one is most of the start-up time of a
// command that reads the store. The build bundles it into one module, dist/vendor/kysely.js, and points the
// compiled code at that file. The sources (and the tests that import them) keep importing the package.
const root = fileURLToPath(new URL('..', import.meta.url))
const dist = join(root, 'dist')
const bundle = join(dist, 'vendor', 'kysely.js')
const {version} = JSON.parse(readFileSync(join(root, 'node_modules', 'kysely', 'package.json'), 'utf8'))

await build({
  stdin: {contents: "export * from 'kysely'", resolveDir: root, loader: 'js'},
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: bundle,
  banner: {js: `// kysely ${version} (MIT licence, https://github.com/kysely-org/kysely), bundled into one module by scripts/vendor.js.`},
  logLevel: 'warning',
})

/** Every compiled module under dist/, except the bundle itself. */
function modules(folder) {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry)
    if (statSync(path).isDirectory()) return path === dirname(bundle) ? [] : modules(path)
    return path.endsWith('.js') ? [path] : []
  })
}

// `from 'kysely'` and `import('kysely')`: the package's root only (kasumi imports no subpath of it).
const IMPORT = /(\bfrom\s*|\bimport\s*\(\s*)(['"])kysely\2/g
let rewritten = 0
for (const file of modules(dist)) {
  const text = readFileSync(file, 'utf8')
  if (!text.includes('kysely')) continue
  let target = relative(dirname(file), bundle).split(sep).join('/')
  if (!target.startsWith('.')) target = `./${target}`
  const next = text.replace(IMPORT, (_, keyword, quote) => `${keyword}${quote}${target}${quote}`)
  if (next !== text) {
    writeFileSync(file, next)
    rewritten++
  }
}
console.error(`dist/vendor/kysely.js: kysely ${version} in one module; ${rewritten} compiled modules point at it`)
