import {rmSync} from 'node:fs'

// A fresh build: stale compiled commands would otherwise linger in the manifest.
rmSync(new URL('../dist', import.meta.url), {recursive: true, force: true})
rmSync(new URL('../oclif.manifest.json', import.meta.url), {force: true})
