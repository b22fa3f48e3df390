import {Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {reportOutputFlags, storeFlags} from '../../src/cli/flags.js'
import {exportBundle} from '../../src/audit/export.js'
import {fingerprint, loadPrivateKey} from '../../src/audit/sign.js'
import type {Lang} from '../../src/domain/lang.js'
import {FORMATS, formatsOf} from '../../src/report/render/index.js'
import {commandLine} from '../../src/report/run.js'

export default class AuditExport extends BaseCommand {
  static override summary = 'Write an audit bundle: the inputs, the report and a manifest of hashes, totals and checks.'
  static override description = `Writes a folder that lets anyone re-check an estimate without the store:

  inputs/ministries.csv, systems.csv, costs.csv   the register as exported (UTF-8 without BOM, so its bytes are stable)
  inputs/scenario.yaml                            a copy of the scenario file
  inputs/exchange-rates.csv                       when the scenario names one
  report/                                         the report (json, csv, xlsx, html, md, png)
  manifest.json                                   the kasumi version, time and command; SHA-256 and row count of every input; SHA-256 and size of every output; the estimate's totals; the reconciliation checks (totals = sum of parts by ministry, measure and year; joint-use before − after = reduction), each with expected, actual and ok

With --sign KEY (a private key from \`kasumi audit keygen\`) the manifest is signed (Ed25519) into manifest.sig, so that an auditor holding the public key can tell who made the bundle: \`kasumi audit verify DIR --key KEY.pub\`.

The folder is written beside DIR and renamed into place when complete, with a .kasumi-output marker. An existing DIR is refused (exit 5); --force replaces it only when it is an earlier kasumi output folder (it holds the marker, and no file the marker does not list) or an empty folder — anything else is left as it is (exit 5). Check a bundle with \`kasumi audit verify DIR\`.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --scenario kasumigaseki-cloud --out audit/cloud-2026',
    '<%= config.bin %> <%= command.id %> --scenario ./my-scenario.yaml --out audit/mine --force --json',
    '<%= config.bin %> <%= command.id %> --scenario kasumigaseki-cloud --out audit/signed --sign kasumi-audit.key',
  ]

  static override flags = {
    ...storeFlags,
    scenario: Flags.string({char: 'S', description: 'Scenario file, or the name of a bundled scenario.', required: true}),
    out: Flags.string({char: 'o', description: 'The bundle folder to write.', required: true}),
    force: Flags.boolean({description: 'Replace the bundle folder when it exists and is an earlier kasumi output folder or empty.'}),
    sign: Flags.string({
      description: 'Sign the manifest with this Ed25519 private key (from `kasumi audit keygen`); the signature goes to manifest.sig.',
    }),
    ...reportOutputFlags(FORMATS),
  }

  async run() {
    const {flags} = await this.parse(AuditExport)
    const sign = flags.sign ? await loadPrivateKey(flags.sign) : undefined
    const store = await this.store(flags.database)
    const progress = this.progress()
    const outcome = await exportBundle(store, {
      scenario: flags.scenario,
      out: flags.out,
      force: flags.force,
      formats: formatsOf(flags.format),
      lang: flags.lang as Lang,
      kasumi: this.config.version,
      command: commandLine(this.config.bin, this.id ?? 'audit:export', this.argv),
      sign,
      onProgress: (message) => progress.show(message),
    })
    progress.clear()
    this.warnIssues(outcome.warnings, {compact: true})
    const {manifest} = outcome
    const failed = manifest.checks.filter((check) => !check.ok)
    if (!this.jsonEnabled()) {
      this.table({
        head: ['Input', 'Rows', 'SHA-256'],
        rows: manifest.inputs.map((input) => [input.path, `${input.rows.toLocaleString('en')} ${input.rowsOf}`, input.sha256]),
        align: ['left', 'right', 'left'],
      })
      this.log(`Reconciliation: ${manifest.checks.length - failed.length} of ${manifest.checks.length} checks hold.`)
      this.log(
        `Wrote ${outcome.files.length} files to ${outcome.folder} (${manifest.outputs.length} report files, manifest.json${sign ? ', manifest.sig' : ''}).`,
      )
      if (sign) this.log(`Signed with the key ${fingerprint(sign)}.`)
    }
    for (const check of failed) this.warning(`check ${check.id} fails: ${check.description}: expected ${check.expected}, found ${check.actual}`)
    return {
      formatVersion: JSON_FORMAT_VERSION,
      folder: outcome.folder,
      files: outcome.files,
      manifest,
      ...(sign ? {signedBy: fingerprint(sign)} : {}),
    }
  }
}
