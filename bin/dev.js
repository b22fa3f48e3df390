#!/usr/bin/env -S node --import tsx
import {execute} from '@oclif/core'

// A closed pipe on stdout (`kasumi … | head`) ends the run quietly: the reader has what it wanted.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

await execute({development: true, dir: import.meta.url})
