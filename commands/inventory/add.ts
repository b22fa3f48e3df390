import {Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {UsageError} from '../../src/domain/errors.js'
import {actorFlag, storeFlags} from '../../src/cli/flags.js'
import {CATEGORIES, CATEGORY_LABELS} from '../../src/domain/inventory.js'
import {SYSTEM_FIELDS} from '../../src/ingest/kinds.js'
import {addSystem} from '../../src/inventory/edit.js'
import {listMinistries} from '../../src/store/register.js'

/** One flag per system field, named after its CSV header: --business-area, --physical-servers … */
const fieldFlags = Object.fromEntries(
  SYSTEM_FIELDS.filter((field) => field.key !== 'retiredReason').map((field) => [
    field.header.replace(/_/g, '-'),
    Flags.string({
      description: `${field.header}${field.required ? ' (required)' : ''}; also read as ${field.aliases.slice(0, 3).join(' / ')}`,
      helpGroup: 'SYSTEM',
    }),
  ]),
)

export default class InventoryAdd extends BaseCommand {
  static override summary = 'Add one system to the register.'
  static override description = `Values are checked with the same rules as an import. On a terminal, kasumi asks for any required field you did not pass (id, ministry, name, category); with --no-input, or when input is not a terminal, a missing field is an error (exit 2) naming the flags to pass.`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --id MIC-0500 --ministry 総務省 --name 会議室予約システム --category small-scale --physical-servers 2 --users 800',
    '<%= config.bin %> <%= command.id %> --id MOD-0100 --ministry mod --name 防衛省OAネットワーク --category lan --eligibility must-stay --eligibility-reason 機密情報を扱うため --no-input',
  ]

  static override flags = {...storeFlags, ...actorFlag, ...fieldFlags, 'dry-run': Flags.boolean({description: 'Check the system; write nothing.'})}

  async run() {
    const {flags} = await this.parse(InventoryAdd)
    const given = flags as unknown as Record<string, string | undefined>
    const values: Record<string, string> = {}
    for (const field of SYSTEM_FIELDS) {
      const value = given[field.header.replace(/_/g, '-')]
      if (value !== undefined) values[field.key] = value
    }
    const store = await this.store(flags.database)
    const missing = SYSTEM_FIELDS.filter((field) => field.required && !values[field.key])
    if (missing.length > 0) {
      if (!this.stdinIsInteractive(flags['no-input'])) {
        throw new UsageError(`missing ${missing.map((field) => `--${field.header.replace(/_/g, '-')}`).join(', ')}`, {
          suggestion: 'pass them as flags (input is not a terminal, or --no-input is set)',
        })
      }
      const prompts = await import('@inquirer/prompts')
      const ministries = await listMinistries(store)
      for (const field of missing) {
        if (field.key === 'ministry') {
          values.ministry = await prompts.select(
            {message: 'Ministry', choices: ministries.map((m) => ({name: `${m.code}  ${m.nameJa ?? m.nameZh}`, value: m.code}))},
            {output: process.stderr},
          )
        } else if (field.key === 'category') {
          values.category = await prompts.select(
            {message: 'Category', choices: CATEGORIES.map((c) => ({name: `${c}  ${CATEGORY_LABELS[c].ja}`, value: c}))},
            {output: process.stderr},
          )
        } else {
          values[field.key] = await prompts.input({message: field.header, required: true}, {output: process.stderr})
        }
      }
    }
    const result = await addSystem(store, values, {actor: flags.actor, dryRun: flags['dry-run']})
    if (result.dryRun) this.note(`Dry run: ${result.system.id} is valid; nothing was written.`)
    else this.success(`Added ${result.system.id} ${result.system.name} (change set ${result.changeSetId}).`)
    return {formatVersion: JSON_FORMAT_VERSION, ...result}
  }
}
