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
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
