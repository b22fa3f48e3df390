#!/usr/bin/env node
// `kasumi --version` is answered before oclif loads (it prints what oclif would),
// so that scripts probing the version pay no start-up cost.
const [flag, ...rest] = process.argv.slice(2)
// A closed pipe on stdout (`kasumi … | head`) ends the run quietly: the reader has what it wanted.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})
if ((flag === '--version' || flag === '-v') && rest.length === 0) {
  const {readFileSync} = await import('node:fs')
  const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`kasumi/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  // Node.js 22.1 and later keep the compiled code of kasumi's modules between runs (in the system's temporary
  // folder); Node.js 20 has no such cache and compiles them at each start, except the bundles of oclif's core and
  // kysely, which kasumi runs through V8's code cache itself (src/platform/code-cache.ts).
  const {enableCompileCache} = /** @type {{enableCompileCache?: () => unknown}} */ (await import('node:module'))
  enableCompileCache?.()
  // The build bundles oclif's core into one module (scripts/vendor.js); the compiled commands import that bundle,
  // so the command runner must be the same copy. (A specifier held in a variable: the type check of this file
  // does not descend into the generated bundle.)
  const core = '../dist/vendor/oclif-core.js'
  const {execute} = await import(core)
  await execute({dir: import.meta.url})
}
