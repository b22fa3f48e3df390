import {Args, Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {UsageError} from '../../src/domain/errors.js'
import {actorFlag, storeFlags} from '../../src/cli/flags.js'
import {updateSystemFields} from '../../src/inventory/edit.js'
import {findSystem} from '../../src/store/register.js'
import {NotFoundError} from '../../src/domain/errors.js'

export default class InventoryRetire extends BaseCommand {
  static override summary = 'Retire a system (it stays in the register, with status retired).'
  static override description =
    'Asks for confirmation on a terminal; scripts pass --force. Nothing is deleted: the system keeps its cost lines and history, and the retirement is logged.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> MIC-0042 --reason "moved to the Government Common Platform"',
    '<%= config.bin %> <%= command.id %> MIC-0042 --force --no-input',
    '<%= config.bin %> <%= command.id %> MIC-0042 --dry-run',
  ]

  static override args = {id: Args.string({description: 'system id', required: true})}
  static override flags = {
    ...storeFlags,
    ...actorFlag,
    reason: Flags.string({char: 'r', description: 'Why the system is retired (kept in the register).'}),
    force: Flags.boolean({char: 'f', description: 'Do not ask for confirmation.'}),
    'dry-run': Flags.boolean({description: 'Show what would change; write nothing.'}),
  }

  async run() {
    const {args, flags} = await this.parse(InventoryRetire)
    const store = await this.store(flags.database)
    const system = await findSystem(store, args.id)
    if (!system) throw new NotFoundError(`no system with id ${args.id}`, {suggestion: 'see `kasumi inventory list`'})
    if (system.status === 'retired') {
      this.note(`${args.id} is already retired.`)
      return {formatVersion: JSON_FORMAT_VERSION, id: args.id, changed: false}
    }
    if (!flags.force && !flags['dry-run']) {
      if (!this.stdinIsInteractive(flags['no-input'])) {
        throw new UsageError(`retiring ${args.id} needs confirmation`, {
          suggestion: 'pass --force to retire without asking, or --dry-run to see the change',
        })
      }
      const {confirm} = await import('@inquirer/prompts')
      const ok = await confirm({message: `Retire ${args.id} ${system.name}?`, default: false}, {output: process.stderr})
      if (!ok) {
        this.note('Nothing was changed.')
        return {formatVersion: JSON_FORMAT_VERSION, id: args.id, changed: false}
      }
    }
    const values: Record<string, string> = {status: 'retired'}
    if (flags.reason !== undefined) values.retiredReason = flags.reason
    const result = await updateSystemFields(store, args.id, values, {
      actor: flags.actor,
      dryRun: flags['dry-run'],
      kind: 'retire',
      command: `kasumi inventory retire ${args.id}`,
    })
    if (result.dryRun) this.note(`Dry run: ${args.id} would be retired; nothing was written.`)
    else this.success(`Retired ${args.id} ${system.name} (change set ${result.changeSetId}).`)
    return {formatVersion: JSON_FORMAT_VERSION, id: args.id, changed: !result.dryRun, ...result}
  }
}
