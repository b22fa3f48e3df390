import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base.js'
import {ExitCode} from '../../src/domain/errors.js'
import {loadPublicKey} from '../../src/audit/sign.js'
import {VerificationError, verifyBundle, type VerifyCheck} from '../../src/audit/verify.js'

const KINDS: ReadonlyArray<{kind: VerifyCheck['kind']; label: string}> = [
  {kind: 'layout', label: 'Bundle layout (regular files only, every file listed)'},
  {kind: 'signature', label: 'Signature of manifest.json (Ed25519)'},
  {kind: 'input', label: 'Input files (SHA-256, size)'},
  {kind: 'output', label: 'Report files (SHA-256, size)'},
  {kind: 'rerun', label: 'Re-run from the bundled inputs (import, rows, estimate)'},
  {kind: 'figure', label: 'Recorded figures'},
  {kind: 'reconciliation', label: 'Reconciliation checks'},
  {kind: 'derived', label: 'Report re-derived from the bundled inputs'},
]

export default class AuditVerify extends BaseCommand {
  static override summary =
    'Verify an audit bundle: its layout and signature, file hashes, the estimate re-run and the report re-derived from the bundled inputs.'
  static override description = `Proves, reading nothing outside DIR and following no link:

  layout       DIR holds only regular files and folders (a symbolic link, pipe or device anywhere is refused, and nothing is read), and only the files manifest.json lists, its .kasumi-output marker and manifest.sig (anything else fails; --allow-extra makes it a note)
  signature    with manifest.sig: the Ed25519 signature over manifest.json's bytes holds — with --key, made by that public key (a bundle without a signature then fails); without --key, made by the key manifest.sig carries, whose fingerprint is shown
  hashes       every input and output file the manifest lists has its recorded SHA-256 and size
  re-run       the estimate, re-run from the bundle alone (a fresh temporary SQLite store, the bundled ministries, systems and cost lines imported with the normal import code, the bundled scenario and exchange rates), gives every recorded figure (totals.npv, totals.byYear[3].savings, …) and every reconciliation check
  re-derived   the report made again from that re-run with the recorded version, time, command, language and formats is identical to the bundled one: byte for byte, the XLSX workbook cell by cell (its zip records when it was written); the marker likewise. Only the kasumi version that made the bundle re-derives it: another version fails, naming the version to verify with

Exit 0 when everything holds, saying what was proved; exit 7 when anything differs, naming each file and figure. A signature proves who made the bundle only when you check it against the signer's public key (--key), obtained from them, not from the bundle.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> audit/cloud-2026',
    '<%= config.bin %> <%= command.id %> audit/cloud-2026 --key kasumi-audit.key.pub',
    '<%= config.bin %> <%= command.id %> audit/cloud-2026 --allow-extra --json',
  ]

  static override args = {dir: Args.string({description: 'The bundle folder (written by `kasumi audit export`).', required: true})}

  static override flags = {
    key: Flags.string({description: "The signer's Ed25519 public key (KEY.pub from `kasumi audit keygen`): the bundle must be signed by it."}),
    'allow-extra': Flags.boolean({description: 'Files the manifest does not list are a note instead of a failure.'}),
  }

  async run() {
    const {args, flags} = await this.parse(AuditVerify)
    const key = flags.key ? await loadPublicKey(flags.key) : undefined
    const progress = this.progress()
    const result = await verifyBundle(args.dir, {
      key,
      allowExtra: flags['allow-extra'],
      kasumi: this.config.version,
      onProgress: (message) => progress.show(message),
    })
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
      for (const note of result.notes) this.note(`Note: ${note}`)
    }
    if (!result.ok) throw new VerificationError(result)
    if (!this.jsonEnabled()) {
      this.success(`${args.dir} verifies. Proved:`)
      for (const line of result.proved) this.note(`  - ${line}`)
    }
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
