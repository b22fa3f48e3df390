import {writeFileSync} from 'node:fs'

// The build writes dist/ before this script runs; its sources are type-checked in src/.
const {mappingSchema} = await import(new URL('../dist/src/ingest/mapping.js', import.meta.url).href)

// Writes the JSON Schema of saved mappings for editors, from the field lists of the build.
writeFileSync(new URL('../data/mappings/schema.json', import.meta.url), `${JSON.stringify(mappingSchema(), null, 2)}\n`)
