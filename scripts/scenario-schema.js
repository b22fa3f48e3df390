import {writeFileSync} from 'node:fs'

// The build writes dist/ before this script runs; its sources are type-checked in src/.
const {scenarioSchema} = await import(new URL('../dist/src/estimate/schema.js', import.meta.url).href)

// Writes the JSON Schema of scenario files for editors, from the measure modules of the build.
writeFileSync(new URL('../data/scenarios/schema.json', import.meta.url), `${JSON.stringify(scenarioSchema(), null, 2)}\n`)
