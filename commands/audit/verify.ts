import {Args} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base.js'
import {ExitCode} from '../../src/domain/errors.js'
import {VerificationError, verifyBundle, type VerifyCheck} from '../../src/audit/verify.js'

const KINDS: ReadonlyArray<{kind: VerifyCheck['kind']; label: string}> = [
  {kind: 'input', label: 'Input files (SHA-256, size)'},
  {kind: 'output', label: 'Report files (SHA-256, size)'},
  {kind: 'rerun', label: 'Re-run from the bundled inputs (import, rows, estimate)'},
  {kind: 'figure', label: 'Recorded figures'},
  {kind: 'reconciliation', label: 'Reconciliation checks'},
]

export default class AuditVerify extends BaseCommand {
  static override summary = 'Verify an audit bundle: file hashes, then the estimate re-run from the bundled inputs.'
  static override description = `Recomputes the SHA-256 and size of every input and output file the manifest lists, and names each file that differs. Then re-runs the estimate from the bundle alone — a fresh temporary SQLite store, the bundled ministries, systems and cost lines imported with the normal import code, the bundled scenario — and compares every recorded figure by name (totals.npv, totals.byYear[3].savings, …) and every reconciliation check.

Exit 0 when everything matches, with a summary of what was checked; exit 7 when anything differs, listing each mismatch by file and figure. Files in the bundle that the manifest does not list are mentioned, not failed.`
  static override examples = ['<%= config.bin %> <%= command.id %> audit/cloud-2026', '<%= config.bin %> <%= command.id %> audit/cloud-2026 --json']

  static override args = {dir: Args.string({description: 'The bundle folder (written by `kasumi audit export`).', required: true})}

  async run() {
    const {args} = await this.parse(AuditVerify)
    const progress = this.progress()
    const result = await verifyBundle(args.dir, {onProgress: (message) => progress.show(message)})
    progress.clear()
    if (!this.jsonEnabled()) {
      this.table({
        head: ['Checked', 'Count', 'Mismatches'],
        rows: KINDS.map(({kind, label}) => {
          const of = result.checks.filter((check) => check.kind === kind)
          return [label, String(of.length), String(of.filter((check) => !check.ok).length)]
        }),
        align: ['left', 'right', 'right'],
      })
      for (const note of result.notes) this.note(note)
    }
    if (!result.ok) throw new VerificationError(result)
    if (!this.jsonEnabled()) this.success(`${args.dir} verifies: every file matches its SHA-256 and the bundled inputs give every recorded figure.`)
    return result
  }

  override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    // --json keeps the verification's own shape on a mismatch: {formatVersion, ok: false, checks, mismatches}.
    if (error instanceof VerificationError && this.jsonEnabled()) {
      this.logJson(error.result)
      this.exit(ExitCode.verificationMismatch)
    }
    return super.catch(error)
  }
}
