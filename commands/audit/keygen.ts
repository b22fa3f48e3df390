import {Args, Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {generateKeyPair} from '../../src/audit/sign.js'

export default class AuditKeygen extends BaseCommand {
  static override summary = 'Make an Ed25519 key pair for signing audit bundles.'
  static override description = `Writes the private key to FILE (PKCS#8 PEM, readable by you alone: mode 0600) and the public key to FILE.pub (SPKI PEM), and prints the public key's fingerprint (SHA256:…, as OpenSSH shows fingerprints).

Sign a bundle with \`kasumi audit export … --sign FILE\`; give FILE.pub (or its fingerprint) to whoever verifies bundles: \`kasumi audit verify DIR --key FILE.pub\`. Existing key files are never replaced without --force. The private key is not encrypted: keep it where only you can read it.`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> keys/ministry-audit.key --json']

  static override args = {
    file: Args.string({description: 'The private key file to write (the public key goes to FILE.pub).', default: 'kasumi-audit.key'}),
  }

  static override flags = {
    force: Flags.boolean({description: 'Replace existing key files.'}),
  }

  async run() {
    const {args, flags} = await this.parse(AuditKeygen)
    const pair = await generateKeyPair(args.file, {force: flags.force})
    if (!this.jsonEnabled()) {
      this.log(`Private key: ${pair.privateKey} (mode 0600; keep it secret)`)
      this.log(`Public key:  ${pair.publicKey}`)
      this.log(`Fingerprint: ${pair.fingerprint}`)
    }
    return {formatVersion: JSON_FORMAT_VERSION, ...pair}
  }
}
