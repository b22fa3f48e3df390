import {writeFileSync} from 'node:fs'

// @ts-ignore -- the build writes dist/ before this script runs; its sources are type-checked in src/.
import {scenarioSchema} from '../dist/src/estimate/schema.js'

// Writes the JSON Schema of scenario files for editors, from the measure modules of the build.
writeFileSync(new URL('../data/scenarios/schema.json', import.meta.url), `${JSON.stringify(scenarioSchema(), null, 2)}\n`)
