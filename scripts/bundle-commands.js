import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {builtinModules} from 'node:module'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

import {ascii, routeImports} from './bundling.js'

// A command runs as some 40 of kasumi's compiled ES modules; on Node.js 20, which keeps no compiled code between runs,
// resolving, reading and compiling them one by one was the largest part of the start-up of a read command after
// oclif itself. The build bundles each command below, with every kasumi module it imports (dynamic imports included),
// into one CommonJS file, dist/bundles/TOPIC-VERB.cjs, and writes in place of the command's compiled module a small ES
// module that runs the bundle through kasumi's code cache (src/platform/code-cache.ts) and exports its class. Packages
// stay outside the bundle: the bundled code imports them as the compiled modules did (a dynamic import stays one;
// `createRequire(import.meta.url)` resolves from the module's own place, which `import.meta.url` keeps naming), and
// the bundles of oclif's core and kysely (scripts/vendor.js) are handed in by that ES module, so that the process has
// one copy of each. The command's other modules stay in dist/ for the commands that are not bundled and for workers.
const COMMANDS = ['inventory/list', 'inventory/show', 'inventory/summary', 'inventory/history']

// CommonJS packages bundled in as well, where a module requires them (`createRequire(import.meta.url)('NAME')`, which
// the bundle turns into its own `require`): decimal.js is some 140 kB, and better-sqlite3 some 15 files, that Node.js 20
// would resolve and compile at every start. No module outside the bundles loads them in the process of a bundled
// command (workers have their own).
const INSIDE = ['decimal.js', 'better-sqlite3']

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = join(root, 'dist')
const bundles = join(dist, 'bundles')
const vendor = join(dist, 'vendor')
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]))
const posix = (path) => path.split(sep).join('/')

mkdirSync(bundles, {recursive: true})
for (const command of COMMANDS) {
  const entry = join(dist, 'commands', `${command}.js`)
  const file = join(bundles, `${command.replaceAll('/', '-')}.cjs`)
  if (readFileSync(entry, 'utf8').includes('(scripts/bundle-commands.js)')) throw new Error(`${entry} is bundled already: run the whole build`)
  /** The vendor bundles the command imports: the name its bundle requires → the ES module that exports it. */
  const vendored = new Map()
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    write: false,
    outfile: file,
    metafile: true,
    // Each module that names `import.meta.url` gets its own `__importMetaUrl`, its original file's URL (below).
    define: {'import.meta.url': '__importMetaUrl'},
    banner: {
      js: [
        `// kasumi ${command.replace('/', ' ')} and the kasumi modules it imports, bundled into one file by scripts/bundle-commands.js.`,
        'var __moduleUrl=(path)=>require("node:url").pathToFileURL(require("node:path").join(__dirname,path)).href;',
      ].join('\n'),
    },
    minifyWhitespace: true,
    minifySyntax: true,
    // A function or class the bundle renames (two modules each have a `listSystems`) keeps its `name`.
    keepNames: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'kasumi',
        setup(builder) {
          builder.onResolve({filter: /\/vendor\/[^/]+\.js$/}, ({path, resolveDir}) => {
            const module = join(resolveDir, path)
            if (dirname(module) !== vendor) return undefined
            const name = `kasumi:vendor/${posix(relative(vendor, module))}`
            vendored.set(name, module)
            return {path: name, external: true}
          })
          // better-sqlite3 finds its addon, unless told where it is, with the `bindings` package, which takes the
          // package's folder from a stack trace: in a bundle that would be the bundle's folder. It is told the folder.
          builder.onResolve({filter: /^bindings$/}, ({importer}) =>
            importer.includes(`${sep}better-sqlite3${sep}`) ? {path: 'bindings', namespace: 'better-sqlite3-bindings'} : undefined,
          )
          builder.onLoad({filter: /.*/, namespace: 'better-sqlite3-bindings'}, () => ({
            contents: [
              "const {createRequire} = require('node:module')",
              "const manifest = createRequire(__filename).resolve('better-sqlite3/package.json')",
              "module.exports = (name) => createRequire(manifest)('bindings')({bindings: name, module_root: require('node:path').dirname(manifest)})",
            ].join('\n'),
            loader: 'js',
          }))
          // Packages stay outside, but those of INSIDE.
          builder.onResolve({filter: /^[^./]/}, ({path}) => {
            const name = path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0]
            return INSIDE.includes(name) ? undefined : {path, external: true}
          })
          builder.onLoad({filter: /\.js$/}, ({path}) => {
            if (!path.startsWith(dist)) return undefined
            let text = readFileSync(path, 'utf8')
            for (const name of INSIDE) text = text.replaceAll(`createRequire(import.meta.url)('${name}')`, `require('${name}')`)
            if (!/\bimport\.meta\b/.test(text)) return {contents: text, loader: 'js'}
            if (/\bimport\.meta(?!\.url\b)/.test(text.replaceAll('import.meta.url', ''))) throw new Error(`${path}: import.meta other than its url`)
            return {contents: `const __importMetaUrl = __moduleUrl(${JSON.stringify(posix(relative(bundles, path)))});\n${text}`, loader: 'js'}
          })
        },
      },
    ],
  })
  const text = result.outputFiles[0].text
  // A package the bundle would `require` where the compiled module imported it would be loaded as CommonJS (or not at
  // all, for a package that is only an ES module): the build stops rather than change how a package is loaded.
  const required = [...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1])
  const foreign = required.filter((name) => !builtins.has(name) && !vendored.has(name))
  if (foreign.length) throw new Error(`${command}: the bundle would require ${[...new Set(foreign)].join(', ')}; import it dynamically`)
  writeFileSync(file, ascii(routeImports(text)))

  // What the command's module exports (its class as the default), read from the module as an ES module.
  const {metafile} = await build({
    entryPoints: [entry],
    bundle: false,
    format: 'esm',
    write: false,
    metafile: true,
    outdir: bundles,
    logLevel: 'warning',
  })
  const names = Object.values(metafile.outputs).flatMap((output) => output.exports)
  const stub = join(dist, 'commands', `${command}.js`)
  const up = posix(relative(dirname(stub), dist))
  const modules = [...vendored].map(([name, module], index) => ({name, binding: `vendor${index}`, path: posix(relative(dirname(stub), module))}))
  writeFileSync(
    stub,
    [
      `// kasumi ${command.replace('/', ' ')}: ${up}/bundles/${command.replaceAll('/', '-')}.cjs, run through kasumi's code cache (scripts/bundle-commands.js).`,
      "import {fileURLToPath} from 'node:url'",
      '',
      `import {loadBundle} from '${up}/src/platform/code-cache.js'`,
      ...modules.map(({binding, path}) => `import * as ${binding} from '${path}'`),
      '',
      `const bundle = loadBundle(fileURLToPath(new URL('${up}/bundles/${command.replaceAll('/', '-')}.cjs', import.meta.url)), undefined, {${modules
        .map(({name, binding}) => `${JSON.stringify(name)}: ${binding}`)
        .join(', ')}})`,
      ...(names.includes('default') ? ['export default bundle.default'] : []),
      ...(names.some((name) => name !== 'default') ? [`export const {${names.filter((name) => name !== 'default').join(', ')}} = bundle`] : []),
      '',
    ].join('\n'),
  )
  rmSync(`${stub}.map`, {force: true})
  console.error(
    `dist/bundles/${command.replaceAll('/', '-')}.cjs: ${Object.keys(result.metafile.inputs).length} modules, ${Math.round(text.length / 1024)} kB`,
  )
}
