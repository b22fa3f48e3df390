import {mkdirSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

import {ascii, routeImports} from './bundling.js'

// Kysely ships as some 260 ES modules and oclif's core, with semver, minimatch and the rest it requires, as some
// 170 CommonJS files; resolving, reading and compiling them one by one was most of the start-up of a command that
// reads the store. The build bundles each into one CommonJS file under dist/vendor/ (NAME.cjs) beside a small ES
// module (NAME.js) that runs the bundle through kasumi's code cache (src/platform/code-cache.ts: Node.js 20 would
// compile the bundle from its source at every start) and exports its names; the compiled code (and bin/run.js)
// import that module. The sources, and the tests that import them, keep importing the packages.
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
 * Bundles package NAME into dist/vendor/FILE.cjs from the entry CONTENTS (CommonJS), writes dist/vendor/FILE.js, an
 * ES module exporting NAMES from the bundle run through the code cache, and points the compiled code at it. The
 * bundled code's `require`, `__filename` and `__dirname` are those of the package's main file when `asPackage`
 * (oclif reads its own package.json beside them), else those of the bundle.
 * `patch` rewrites the bundle's text before it is written.
 * @param {{name: string, file: string, contents: string, names: string[], asPackage?: boolean, external?: string[], patch?: (text: string) => string}} options
 */
async function bundle({name, file, contents, names, asPackage = false, external = [], patch = (text) => text}) {
  const {version} = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'))
  const result = await build({
    stdin: {contents, resolveDir: root, loader: 'js'},
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    write: false,
    outfile: join(vendor, `${file}.cjs`),
    external,
    banner: {js: `// ${name} ${version} (MIT licence), bundled into one file by scripts/vendor.js.`},
    // Without white space and comments (names kept, for stack traces): less source to read and to keep in memory.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  })
  mkdirSync(vendor, {recursive: true})
  writeFileSync(join(vendor, `${file}.cjs`), ascii(routeImports(patch(result.outputFiles[0].text))))
  const wrapper = join(vendor, `${file}.js`)
  writeFileSync(
    wrapper,
    [
      `// ${name} ${version} (MIT licence): ${file}.cjs beside this module, run through kasumi's code cache (scripts/vendor.js).`,
      "import {existsSync} from 'node:fs'",
      "import {createRequire} from 'node:module'",
      "import {fileURLToPath} from 'node:url'",
      '',
      "import {loadBundle} from '../src/platform/code-cache.js'",
      '',
      ...(asPackage
        ? [
            // Where the package is installed beside the build (its own node_modules, nearest to dist/), that is where
            // it resolves to; looked up directly, which spares the resolver's first run.
            `const installed = fileURLToPath(new URL(${JSON.stringify(relative(vendor, require.resolve(name)).split(sep).join('/'))}, import.meta.url))`,
            `const filename = existsSync(installed) ? installed : createRequire(import.meta.url).resolve(${JSON.stringify(name)})`,
          ]
        : []),
      `const bundle = loadBundle(fileURLToPath(new URL('./${file}.cjs', import.meta.url))${asPackage ? ', filename' : ''})`,
      `export const {${names.join(', ')}} = bundle`,
      '',
    ]
      .filter((line) => asPackage || !/existsSync|createRequire/.test(line))
      .join('\n'),
  )
  console.error(`dist/vendor/${file}.cjs: ${name} ${version} in one file; ${pointAt(name, wrapper)} compiled modules point at it`)
}

/**
 * oclif sorts each plugin's commands by id with `localeCompare`, and the first collation a process asks for costs ICU
 * some milliseconds to set up: a good part of what oclif does before a command runs. Where the default locale is
 * English (whose collation is the root collation, untailored) and both ids hold only lower-case ASCII letters, `:` and
 * `-`, as every id of kasumi and of its plugins does, collation orders them as their code points (`-`, then `:`, then
 * the letters, each with its own primary weight and no contraction), so the bundle compares them as such and collates
 * any other pair; the default locale is read from `Intl.PluralRules`, which sets up no collation. The sort is found by
 * its text: the build stops if oclif's changes.
 */
function compareCommandIds(text) {
  const sort = '.sort((a,b)=>a.id.localeCompare(b.id))'
  if (text.split(sort).length !== 2) throw new Error(`@oclif/core: the sort of commands by id (${sort}) is not in the bundle once`)
  const compare = [
    'var __idsInEnglish;',
    'function __compareIds(a,b){',
    'if(/^[a-z:-]*$/.test(a)&&/^[a-z:-]*$/.test(b)&&(__idsInEnglish??=/^en(?:-|$)/.test(new Intl.PluralRules().resolvedOptions().locale)))return a<b?-1:a>b?1:0;',
    'return a.localeCompare(b)}',
  ].join('')
  const banner = text.indexOf('\n') + 1
  return `${text.slice(0, banner)}${compare}\n${text.slice(banner).replace(sort, '.sort((a,b)=>__compareIds(a.id,b.id))')}`
}

const exported = (module) => Object.keys(module).filter((key) => key !== 'default' && key !== '__esModule')

await bundle({name: 'kysely', file: 'kysely', contents: "export * from 'kysely'", names: exported(await import('kysely'))})

// TypeScript and the TypeScript loaders oclif looks for in development are left out: kasumi runs compiled code.
await bundle({
  name: '@oclif/core',
  file: 'oclif-core',
  contents: "module.exports = require('@oclif/core')",
  names: exported(require('@oclif/core')),
  asPackage: true,
  external: ['typescript', 'ts-node', 'tsx', 'pnpapi'],
  patch: compareCommandIds,
})
