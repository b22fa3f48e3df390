import {existsSync, statSync} from 'node:fs'
import {mkdir, writeFile} from 'node:fs/promises'
import {dirname, join, relative, resolve, sep} from 'node:path'

import {Args, Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {ConflictError, InternalError, UserError} from '../../src/domain/errors.js'
import {MEASURES, MEASURE_TYPES} from '../../src/estimate/measures/index.js'
import {parseScenario} from '../../src/estimate/scenario.js'
import {SCENARIO_DIR} from '../../src/platform/paths.js'
import {INIT_DEFAULTS, NAME_PATTERN, checkInitOptions, defaultHorizon, parseHorizon, scenarioInitText} from '../../src/estimate/scenario-init.js'

export default class ScenarioInit extends BaseCommand {
  static override summary = 'Write a commented starter scenario file.'
  static override description = `Writes a scenario in YAML with every key explained in a comment, the measures you pick with starting values, and an assumptions register to fill in. The file passes \`kasumi scenario validate\` as written.

On a terminal, kasumi asks for what you did not give as a flag: name, base year, horizon, currency and measures. With --no-input, or when input is not a terminal, it asks nothing and uses the flags and these defaults: name ${INIT_DEFAULTS.name}, base year ${INIT_DEFAULTS.baseYear}, the seven fiscal years after the base year, currency ${INIT_DEFAULTS.currency}, all measures.

FILE defaults to <name>.yaml in the current folder. An existing file is never overwritten without --force (exit 5).`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> lan-2010.yaml --name lan-2010 --base-year 2009 --horizon 2010-2015 --measures network,virtualize,unified-operations --no-input',
    '<%= config.bin %> <%= command.id %> my-scenario.yaml --force --no-input',
  ]

  static override args = {
    file: Args.string({
      description: 'Where to write the scenario (default: <name>.yaml in the current folder; a folder gets <name>.yaml inside it).',
    }),
  }

  static override flags = {
    name: Flags.string({description: 'Scenario name: letters, digits, ".", "_" and "-".'}),
    title: Flags.string({description: 'Title for reports (default: the name).'}),
    'base-year': Flags.integer({description: 'Fiscal year whose recurring costs are the baseline.', min: 1900, max: 2999}),
    horizon: Flags.string({
      description: 'First and last fiscal year of the estimate, e.g. 2010-2015 (default: the seven years after the base year).',
    }),
    currency: Flags.string({description: 'Reporting currency, an ISO 4217 code.'}),
    measures: Flags.string({
      description: 'Measures to include, in the order they apply (comma-separated; default: all).',
      options: MEASURE_TYPES,
      multiple: true,
      delimiter: ',',
    }),
    force: Flags.boolean({description: 'Overwrite FILE if it exists.'}),
  }

  async run() {
    const {args, flags} = await this.parse(ScenarioInit)
    const interactive = this.stdinIsInteractive(flags['no-input'])
    const target = (name: string) => {
      const given = args.file === undefined ? `${name}.yaml` : args.file
      return resolve(existsSync(given) && statSync(given).isDirectory() ? join(given, `${name}.yaml`) : given)
    }
    const refuse = (file: string) => {
      if (!flags.force && existsSync(file))
        throw new ConflictError(`${file} already exists`, {suggestion: 'pass --force to overwrite it, or name another file'})
    }
    // Fail before asking anything when the file is already known.
    const isFolder = args.file !== undefined && existsSync(args.file) && statSync(args.file).isDirectory()
    if (flags.name !== undefined || (args.file !== undefined && !isFolder)) refuse(target(flags.name ?? INIT_DEFAULTS.name))

    let name = flags.name
    let baseYear = flags['base-year']
    let horizon = flags.horizon === undefined ? undefined : parseHorizon(flags.horizon)
    let currency = flags.currency?.toUpperCase()
    let measures = flags.measures
    if (interactive && (name === undefined || baseYear === undefined || horizon === undefined || currency === undefined || measures === undefined)) {
      const prompts = await import('@inquirer/prompts')
      const context = {output: process.stderr}
      name ??= await prompts.input(
        {
          message: 'Scenario name',
          default: INIT_DEFAULTS.name,
          validate: (value) => NAME_PATTERN.test(value) || 'letters, digits, ".", "_" and "-", starting with a letter or digit',
        },
        context,
      )
      if (args.file === undefined || isFolder) refuse(target(name))
      baseYear ??= await prompts.number(
        {message: 'Base year (its recurring costs are the baseline)', default: INIT_DEFAULTS.baseYear, required: true, min: 1900, max: 2999},
        context,
      )
      if (horizon === undefined) {
        const suggested = defaultHorizon(baseYear!)
        const answer = await prompts.input(
          {
            message: 'Horizon (first-last fiscal year)',
            default: `${suggested[0]}-${suggested[1]}`,
            validate: (value) => {
              try {
                const range = parseHorizon(value)
                return range[1] >= baseYear! || `the horizon must end in or after the base year ${baseYear}`
              } catch (error) {
                return (error as Error).message
              }
            },
          },
          context,
        )
        horizon = parseHorizon(answer)
      }
      currency ??= (
        await prompts.input(
          {
            message: 'Currency (ISO 4217)',
            default: INIT_DEFAULTS.currency,
            validate: (value) => /^[A-Za-z]{3}$/.test(value.trim()) || 'three letters, e.g. JPY',
          },
          context,
        )
      )
        .trim()
        .toUpperCase()
      measures ??= await prompts.checkbox(
        {
          message: 'Measures (space to toggle, enter to accept)',
          choices: MEASURE_TYPES.map((type) => ({name: type, value: type, description: MEASURES[type].summary, checked: true})),
          required: true,
        },
        context,
      )
    }
    name ??= INIT_DEFAULTS.name
    baseYear ??= INIT_DEFAULTS.baseYear
    horizon ??= defaultHorizon(baseYear)
    currency ??= INIT_DEFAULTS.currency
    measures = [...new Set(measures ?? INIT_DEFAULTS.measures)]
    const options = {name, title: flags.title, baseYear, horizon, currency, measures}
    checkInitOptions(options)

    const file = target(name)
    refuse(file)
    const schema = relative(dirname(file), join(SCENARIO_DIR, 'schema.json')).split(sep).join('/')
    const text = scenarioInitText({
      ...options,
      schema: schema.startsWith('.') || schema.startsWith('/') ? schema : `./${schema}`,
      date: new Date().toISOString().slice(0, 10),
    })
    try {
      await parseScenario(text, file)
    } catch (error) {
      throw new InternalError(`the starter scenario does not validate: ${String(error)}`, {cause: error})
    }
    const existed = existsSync(file)
    await mkdir(dirname(file), {recursive: true})
    try {
      await writeFile(file, text, {encoding: 'utf8', flag: flags.force ? 'w' : 'wx'})
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EEXIST') throw new ConflictError(`${file} already exists`, {suggestion: 'pass --force to overwrite it, or name another file'})
      throw new UserError(`cannot write ${file}: ${(error as Error).message}`, {suggestion: 'check the folder exists and can be written'})
    }
    this.success(
      `${existed ? 'Overwrote' : 'Wrote'} ${file}: scenario ${name}, FY${horizon[0]}–FY${horizon[1]}, base year FY${baseYear}, ${measures.length} measure${measures.length === 1 ? '' : 's'}.`,
    )
    this.note(`Next: edit the values and the assumptions register, then \`kasumi scenario validate ${relative(process.cwd(), file) || file}\`.`)
    return {formatVersion: JSON_FORMAT_VERSION, file, name, title: flags.title ?? name, baseYear, horizon, currency, measures, overwritten: existed}
  }
}
