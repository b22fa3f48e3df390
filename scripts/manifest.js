import {writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {Plugin} from '@oclif/core'

// Writes oclif.manifest.json from the built commands, so that the CLI finds a command without importing them all.
const root = fileURLToPath(new URL('..', import.meta.url))
// Loading the commands runs the bundles of oclif's core and kysely; without a cache folder this leaves no code cache
// behind. The first run of the built CLI makes it, with the code a command runs (src/platform/code-cache.ts).
process.env.KASUMI_CACHE_DIR = ''
const plugin = new Plugin({root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true})
await plugin.load()
writeFileSync(new URL('../oclif.manifest.json', import.meta.url), `${JSON.stringify(plugin.manifest, null, 2)}\n`)
console.error(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`)
