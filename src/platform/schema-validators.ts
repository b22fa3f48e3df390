import type {ValidateFunction} from 'ajv'

/**
 * JSON Schema validators of kasumi's YAML files (scenarios, saved mappings). The build generates each as plain
 * code (`scripts/schema-validators.js` writes `dist/src/platform/validators/NAME.js` with ajv's standalone
 * output), so a command run from the build never compiles a schema; run from the sources (the tests), the
 * schema is compiled with ajv, once per process. Both give the same verdicts and the same error objects.
 */
export type SchemaName = 'scenario' | 'mapping'

const validators = new Map<SchemaName, Promise<ValidateFunction>>()

export function schemaValidator(name: SchemaName, schema: () => object): Promise<ValidateFunction> {
  let validator = validators.get(name)
  if (!validator) {
    validator = generated(name).then((found) => found ?? compile(schema()))
    validators.set(name, validator)
  }
  return validator
}

async function generated(name: SchemaName): Promise<ValidateFunction | undefined> {
  const file = new URL(`./validators/${name}.js`, import.meta.url)
  if (!file.pathname.includes('/dist/')) return undefined
  try {
    const module = (await import(file.href)) as {default: ValidateFunction}
    return module.default
  } catch (error) {
    if ((error as {code?: string}).code === 'ERR_MODULE_NOT_FOUND') return undefined
    throw error
  }
}

/** The ajv options of every validator, generated or compiled. */
export const AJV_OPTIONS = {allErrors: true, strict: false} as const

async function compile(schema: object): Promise<ValidateFunction> {
  const {default: Ajv2020} = await import('ajv/dist/2020.js')
  const ajv = new (Ajv2020 as unknown as typeof import('ajv').default)(AJV_OPTIONS)
  return ajv.compile(schema)
}
