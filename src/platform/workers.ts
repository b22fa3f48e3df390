import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {Worker, type WorkerOptions} from 'node:worker_threads'

/**
 * A worker that runs a TypeScript source (development, tests). Node 20 does
 * not apply `--import tsx` from a worker's execArgv, so the worker registers
 * tsx's ESM hooks itself before importing the source.
 */
export function sourceBootstrap(source: URL): string {
  const require = createRequire(import.meta.url)
  const manifest = require('tsx/package.json') as {exports: Record<string, {import: {default: string}}>}
  const api = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), manifest.exports['./esm/api'].import.default)).href
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}) })`
}

/**
 * Starts the worker module `name` that sits next to the module whose `import.meta.url` is `from`: its build (`.js`)
 * in `dist/`, or its TypeScript source through tsx in development and tests.
 */
export function startWorker(from: string, name: string, options: WorkerOptions = {}): Worker {
  if (from.endsWith('.ts')) return new Worker(sourceBootstrap(new URL(`./${name}.ts`, from)), {...options, eval: true})
  return new Worker(new URL(`./${name}.js`, from), options)
}
