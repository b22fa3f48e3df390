import {readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

// Kysely ships as some 260 ES modules and oclif's core, with semver, minimatch and the rest it requires, as some
// 170 CommonJS files; resolving, reading and compiling them one by one was most of the start-up time of a command
// that reads the store. The build bundles each into one module under dist/vendor/ and points the compiled code
// (and bin/run.js, which imports the oclif bundle when it exists) at those files. The sources, and the tests
// that import them, keep importing the packages.
const root = fileURLToPath(new URL('..', import.meta.url))
const dist = join(root, 'dist')
const vendor = join(dist, 'vendor')
const require = createRequire(join(root, 'package.json'))

/** Every compiled module under dist/, except the bundles. */
function modules(folder) {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry)
    if (statSync(path).isDirectory()) return path === vendor ? [] : modules(path)
    return path.endsWith('.js') ? [path] : []
  })
}

/** Points `from 'PACKAGE'` and `import('PACKAGE')` (the package's root only) in compiled modules at BUNDLE. */
function pointAt(name, bundle) {
  const pattern = new RegExp(`(\\bfrom\\s*|\\bimport\\s*\\(\\s*)(['"])${name.replace(/[/@]/g, '\\$&')}\\2`, 'g')
  let rewritten = 0
  for (const file of modules(dist)) {
    const text = readFileSync(file, 'utf8')
    if (!text.includes(name)) continue
    let target = relative(dirname(file), bundle).split(sep).join('/')
    if (!target.startsWith('.')) target = `./${target}`
    const next = text.replace(pattern, (_, keyword, quote) => `${keyword}${quote}${target}${quote}`)
    if (next !== text) {
      writeFileSync(file, next)
      rewritten++
    }
  }
  return rewritten
}

/**
 * Bundles package NAME into dist/vendor/FILE from the entry CONTENTS, and points the compiled code at it.
 * @param {{name: string, file: string, contents: string, banner?: string, external?: string[]}} options
 */
async function bundle({name, file, contents, banner = '', external = []}) {
  const {version} = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'))
  const outfile = join(vendor, file)
  await build({
    stdin: {contents, resolveDir: root, loader: 'js'},
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    external,
    banner: {js: `// ${name} ${version} (MIT licence), bundled into one module by scripts/vendor.js.\n${banner}`},
    logLevel: 'warning',
  })
  console.error(`dist/vendor/${file}: ${name} ${version} in one module; ${pointAt(name, outfile)} compiled modules point at it`)
}

await bundle({name: 'kysely', file: 'kysely.js', contents: "export * from 'kysely'"})

// oclif's core is CommonJS: the bundle names each of its exports, and gives the bundled code the `require`,
// `__dirname` and `__filename` it would have in the package (oclif reads its own package.json beside them).
// TypeScript and the TypeScript loaders oclif looks for in development are left out: kasumi runs compiled code.
const oclifNames = Object.keys(require('@oclif/core')).filter((name) => name !== 'default' && name !== '__esModule')
await bundle({
  name: '@oclif/core',
  file: 'oclif-core.js',
  contents: `import * as core from '@oclif/core'\nexport const {${oclifNames.join(', ')}} = core\n`,
  banner: [
    "import {createRequire as vendorRequire} from 'node:module'",
    "import {dirname as vendorDirname} from 'node:path'",
    'const require = vendorRequire(import.meta.url)',
    "const __filename = require.resolve('@oclif/core')",
    'const __dirname = vendorDirname(__filename)',
  ].join('\n'),
  external: ['typescript', 'ts-node', 'tsx', 'pnpapi'],
})
