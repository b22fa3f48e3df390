import {writeFileSync} from 'node:fs'

import {scenarioSchema} from '../dist/src/estimate/schema.js'

// Writes the JSON Schema of scenario files for editors, from the measure modules of the build.
writeFileSync(new URL('../data/scenarios/schema.json', import.meta.url), `${JSON.stringify(scenarioSchema(), null, 2)}\n`)
