/**
 * Tampered audit bundles: `kasumi audit verify` re-derives every output from
 * the bundled inputs, so an edited figure fails even with its hash rewritten;
 * files the manifest does not list fail (a note with --allow-extra); links
 * and paths outside the bundle are refused without being read; a signed
 * manifest fails when changed or checked against another key. Bundles are
 * exported from both backends; each refused or failed bundle is left as it was.
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {cpSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {kasumi, ROOT, useTempDirs, type CommandResult} from '../support/cli.js'
import {BACKENDS, postgresAvailable} from '../support/stores.js'
import {expectRefusal, snapshot} from './fs-snapshot.js'

const SAMPLES = join(ROOT, 'data', 'samples')
const SCENARIO = 'kasumigaseki-cloud'
const temp = useTempDirs()
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

async function ok(argv: string[]): Promise<CommandResult> {
  const result = await kasumi(argv)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr.slice(0, 3000)}`).toBe(0)
  return result
}

/** Rewrites a bundled file and its hash and size in the manifest, as a forger would. */
function forge(bundle: string, path: string, edit: (content: Buffer) => Buffer): void {
  const file = join(bundle, path)
  const content = edit(readFileSync(file))
  writeFileSync(file, content)
  const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'))
  const entry = [...manifest.inputs, ...manifest.outputs].find((item: {path: string}) => item.path === path)
  entry.sha256 = sha256(content)
  entry.bytes = content.length
  writeFileSync(join(bundle, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
}

/** Verifies, and checks that verification changed nothing in the bundle. */
async function verify(bundle: string, ...more: string[]): Promise<CommandResult> {
  const before = snapshot(bundle)
  const result = await kasumi(['audit', 'verify', bundle, ...more])
  expect(snapshot(bundle)).toEqual(before)
  return result
}

describe('audit keygen', () => {
  it('writes an Ed25519 pair, the private key mode 0600, and never replaces one without --force', async () => {
    const dir = temp('kasumi-keys-')
    const key = join(dir, 'signer.key')
    const made = await ok(['audit', 'keygen', key, '--json'])
    expect(made.json).toMatchObject({
      formatVersion: 1,
      privateKey: key,
      publicKey: `${key}.pub`,
      fingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/),
    })
    expect(statSync(key).mode & 0o777).toBe(0o600)
    expect(readFileSync(key, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    expect(readFileSync(`${key}.pub`, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/)
    const before = snapshot(dir)
    expectRefusal(await kasumi(['audit', 'keygen', key]), 5, `${key} already exists`)
    const refusedJson = await kasumi(['audit', 'keygen', key, '--json'])
    expect(refusedJson.json.error).toMatchObject({name: 'ConflictError', exitCode: 5})
    expect(snapshot(dir)).toEqual(before)
    const again = await ok(['audit', 'keygen', key, '--force', '--json'])
    expect(again.json.fingerprint).not.toBe(made.json.fingerprint)
    expect(statSync(key).mode & 0o777).toBe(0o600)
    const human = await ok(['audit', 'keygen', join(dir, 'other.key')])
    expect(human.stdout).toContain('Fingerprint: SHA256:')
  })
})

for (const backend of BACKENDS) {
  describe(`tampered audit bundles exported from ${backend.name}`, () => {
    let available = true
    let drop = async () => {}
    let dir: string
    let database: string
    let bundle: string
    let signed: string
    let key: string
    let otherKey: string
    let fingerprint: string

    const copy = (source: string, name: string) => {
      const target = join(dir, name)
      cpSync(source, target, {recursive: true})
      return target
    }

    beforeAll(async () => {
      if (backend.name === 'postgres' && !(await postgresAvailable())) {
        available = false
        return
      }
      const fresh = await backend.fresh()
      database = fresh.url
      drop = fresh.drop
      dir = temp('kasumi-tamper-')
      await ok(['init', '--database', database])
      await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', database])
      await ok(['inventory', 'import', join(SAMPLES, 'costs.csv'), '--database', database])
      key = join(dir, 'signer.key')
      otherKey = join(dir, 'other.key')
      fingerprint = (await ok(['audit', 'keygen', key, '--json'])).json.fingerprint
      await ok(['audit', 'keygen', otherKey])
      bundle = join(dir, 'bundle')
      await ok(['audit', 'export', '--scenario', SCENARIO, '--format', 'json,csv,xlsx,html,md,pdf', '--out', bundle, '--database', database])
      signed = join(dir, 'signed')
      const exported = await ok([
        'audit',
        'export',
        '--scenario',
        SCENARIO,
        '--format',
        'json,csv,html',
        '--out',
        signed,
        '--database',
        database,
        '--sign',
        key,
        '--json',
      ])
      expect(exported.json.signedBy).toBe(fingerprint)
    }, 180_000)
    afterAll(() => drop())

    it('a fresh bundle verifies, re-derived byte for byte, and says what it proved', async ({skip}) => {
      if (!available) skip()
      const result = await verify(bundle, '--json')
      expect(result.exitCode, result.stdout.slice(0, 3000)).toBe(0)
      const derived = result.json.checks.filter((check: {kind: string}) => check.kind === 'derived')
      expect(derived.map((check: {name: string}) => check.name)).toEqual(
        expect.arrayContaining([
          'report/report.html',
          'report/report.md',
          'report/report.json',
          'report/report.xlsx',
          'report/report.pdf',
          'report/csv/cash-flow.csv',
          '.kasumi-output',
        ]),
      )
      expect(derived.every((check: {ok: boolean}) => check.ok)).toBe(true)
      expect(derived.find((check: {name: string}) => check.name === 'report/report.html')).toMatchObject({expected: 'bytes', actual: 'bytes'})
      expect(derived.find((check: {name: string}) => check.name === 'report/report.pdf')).toMatchObject({expected: 'bytes', actual: 'bytes'})
      // The workbook's zip records the second it was written: within the same second it matches byte for byte too.
      expect(result.json.proved.join('\n')).toMatch(
        /re-derived from the bundled inputs .* identical to the bundled one: \d+ files byte for byte(, 1 workbook cell by cell)?$/m,
      )
      expect(result.json.notes).toContain('the bundle is not signed: it proves that its files agree with each other, not who made them')
      const human = await verify(bundle)
      expect(human.exitCode).toBe(0)
      expect(human.stderr).toContain('verifies. Proved:')
      expect(human.stderr).toContain('has its recorded SHA-256 and size')
    }, 60_000)

    it('a figure edited in report.html with its hash rewritten in the manifest fails (exit 7), naming the file and line', async ({skip}) => {
      if (!available) skip()
      const tampered = copy(bundle, `html-${Date.now()}`)
      let changed = ''
      forge(tampered, 'report/report.html', (content) => {
        const text = content.toString('utf8')
        const match = /<td[^>]*>(\d{1,3}(?:,\d{3})+)<\/td>/.exec(text)!
        changed = match[1]
        const digit = changed[0] === '9' ? '1' : String(Number(changed[0]) + 1)
        return Buffer.from(
          text.slice(0, match.index) + match[0].replace(changed, digit + changed.slice(1)) + text.slice(match.index + match[0].length),
        )
      })
      expect(changed).not.toBe('')
      const result = await verify(tampered, '--json')
      expect(result.exitCode).toBe(7)
      expect(result.json.mismatches).toEqual([
        expect.objectContaining({
          file: 'report/report.html',
          figure: expect.stringMatching(/^line \d+$/),
          message: 'differs from the report re-derived from the bundled inputs',
        }),
      ])
      // Every hash matches: only the re-derivation catches it.
      expect(
        result.json.checks.filter((check: {kind: string; ok: boolean}) => (check.kind === 'input' || check.kind === 'output') && !check.ok),
      ).toEqual([])
      const human = await verify(tampered)
      expectRefusal(human, 7, /report\/report\.html line \d+: differs from the report re-derived from the bundled inputs/)
    }, 60_000)

    it('a changed report.pdf fails (exit 7), naming it: its hash, and with the hash rewritten the re-derivation', async ({skip}) => {
      if (!available) skip()
      // The document's title in its Info dictionary, changed in place.
      const edit = (content: Buffer) => {
        const text = content.toString('latin1')
        const at = text.indexOf('/Title (')
        expect(at).toBeGreaterThan(0)
        const copy = Buffer.from(content)
        copy[at + 8] = copy[at + 8] === 0x58 ? 0x59 : 0x58
        return copy
      }
      const changed = copy(bundle, `pdf-${Date.now()}`)
      writeFileSync(join(changed, 'report/report.pdf'), edit(readFileSync(join(changed, 'report/report.pdf'))))
      const plain = await verify(changed)
      expectRefusal(plain, 7, /report\/report\.pdf sha256: the content differs from the recorded SHA-256/)

      const forged = copy(bundle, `pdf-forged-${Date.now()}`)
      forge(forged, 'report/report.pdf', edit)
      const result = await verify(forged, '--json')
      expect(result.exitCode).toBe(7)
      expect(result.json.mismatches).toEqual([
        expect.objectContaining({
          file: 'report/report.pdf',
          figure: expect.stringMatching(/^byte \d+$/),
          message: 'differs from the report re-derived from the bundled inputs',
        }),
      ])
      const human = await verify(forged)
      expectRefusal(human, 7, /report\/report\.pdf byte \d+: differs from the report re-derived from the bundled inputs/)
    }, 60_000)

    it("a figure forged in report.json, its hash and the manifest's totals fails on the re-run and the re-derivation", async ({skip}) => {
      if (!available) skip()
      const tampered = copy(bundle, `json-${Date.now()}`)
      const manifest = JSON.parse(readFileSync(join(tampered, 'manifest.json'), 'utf8'))
      const npv = manifest.estimate.totals.npv
      const forged = String(BigInt(npv) + 1_000_000n)
      forge(tampered, 'report/report.json', (content) => Buffer.from(content.toString('utf8').replaceAll(`"npv": "${npv}"`, `"npv": "${forged}"`)))
      const rewritten = JSON.parse(readFileSync(join(tampered, 'manifest.json'), 'utf8'))
      rewritten.estimate.totals.npv = forged
      writeFileSync(join(tampered, 'manifest.json'), JSON.stringify(rewritten, null, 2))
      const result = await verify(tampered, '--json')
      expect(result.exitCode).toBe(7)
      const named = result.json.mismatches.map((mismatch: {file: string; figure?: string}) => `${mismatch.file} ${mismatch.figure ?? ''}`.trim())
      expect(named).toContain('manifest.json totals.npv')
      expect(named.some((name: string) => /^report\/report\.json line \d+$/.test(name))).toBe(true)
    }, 60_000)

    it('a file the manifest does not list fails (exit 7); --allow-extra makes it a note', async ({skip}) => {
      if (!available) skip()
      const tampered = copy(bundle, `extra-${Date.now()}`)
      writeFileSync(join(tampered, 'report', 'readme.txt'), 'added later')
      const result = await verify(tampered, '--json')
      expect(result.exitCode).toBe(7)
      expect(result.json.mismatches).toEqual([
        expect.objectContaining({file: 'report/readme.txt', message: expect.stringContaining('not listed in the manifest')}),
      ])
      expectRefusal(await verify(tampered), 7, 'report/readme.txt: not listed in the manifest (pass --allow-extra')
      const allowed = await verify(tampered, '--allow-extra', '--json')
      expect(allowed.exitCode).toBe(0)
      expect(allowed.json.notes).toContain('report/readme.txt is not listed in the manifest (not verified; allowed by --allow-extra)')
    }, 60_000)

    it('a symbolic link inside a bundle is refused (exit 7) and nothing is read through it', async ({skip}) => {
      if (!available) skip()
      // A link out of the bundle, a listed input replaced by a link to an identical copy outside, a linked folder.
      const outside = temp('kasumi-outside-')
      const cases: Array<{name: string; plant(bundle: string): string}> = [
        {name: 'to /etc', plant: (target) => (symlinkSync('/etc/passwd', join(target, 'report', 'passwd')), 'report/passwd')},
        {
          name: 'listed input',
          plant: (target) => {
            cpSync(join(target, 'inputs', 'costs.csv'), join(outside, 'costs.csv'))
            rmSync(join(target, 'inputs', 'costs.csv'))
            symlinkSync(join(outside, 'costs.csv'), join(target, 'inputs', 'costs.csv'))
            return 'inputs/costs.csv'
          },
        },
        {
          name: 'folder',
          plant: (target) => {
            cpSync(join(target, 'report', 'csv'), join(outside, 'csv'), {recursive: true})
            rmSync(join(target, 'report', 'csv'), {recursive: true})
            symlinkSync(join(outside, 'csv'), join(target, 'report', 'csv'))
            return 'report/csv'
          },
        },
      ]
      for (const {name, plant} of cases) {
        const tampered = copy(bundle, `link-${name.replace(/\W/g, '-')}-${Date.now()}`)
        const path = plant(tampered)
        const result = await verify(tampered, '--json')
        expect(result.exitCode, name).toBe(7)
        expect(result.json.mismatches, name).toEqual([
          expect.objectContaining({file: path, message: expect.stringContaining('a symbolic link: refused')}),
        ])
        expect(
          result.json.checks.filter((check: {kind: string}) => check.kind !== 'layout'),
          name,
        ).toEqual([])
        expectRefusal(await verify(tampered, '--allow-extra'), 7, `${path}: a symbolic link: refused`)
      }
      // A named pipe would block a reader forever: refused without being opened.
      const piped = copy(bundle, `fifo-${Date.now()}`)
      execFileSync('mkfifo', [join(piped, 'report', 'pipe')])
      const fifo = await verify(piped, '--json')
      expect(fifo.exitCode).toBe(7)
      expect(fifo.json.mismatches).toEqual([expect.objectContaining({file: 'report/pipe', message: expect.stringContaining('not a regular file')})])
      // The manifest itself as a link to a genuine one elsewhere: not followed.
      const linked = copy(bundle, `manifest-link-${Date.now()}`)
      cpSync(join(linked, 'manifest.json'), join(outside, 'manifest.json'))
      rmSync(join(linked, 'manifest.json'))
      symlinkSync(join(outside, 'manifest.json'), join(linked, 'manifest.json'))
      expectRefusal(await verify(linked), 3, 'is not a regular file')
    }, 60_000)

    it('a manifest naming a path outside the bundle fails without reading it', async ({skip}) => {
      if (!available) skip()
      const tampered = copy(bundle, `escape-${Date.now()}`)
      const manifest = JSON.parse(readFileSync(join(tampered, 'manifest.json'), 'utf8'))
      const secret = Buffer.from('outside\n')
      writeFileSync(join(dir, 'outside.txt'), secret)
      manifest.outputs.push(
        {path: '../outside.txt', sha256: sha256(secret), bytes: secret.length},
        {path: '/etc/hostname', sha256: sha256(secret), bytes: secret.length},
      )
      writeFileSync(join(tampered, 'manifest.json'), JSON.stringify(manifest, null, 2))
      const result = await verify(tampered, '--json')
      expect(result.exitCode).toBe(7)
      const outsiders = result.json.mismatches
        .filter((mismatch: {message: string}) => mismatch.message === 'the manifest names a file outside the bundle')
        .map((mismatch: {file: string}) => mismatch.file)
      expect(outsiders).toEqual(['../outside.txt', '/etc/hostname'])
    }, 60_000)

    it("a signed bundle verifies with the signer's public key and names its fingerprint", async ({skip}) => {
      if (!available) skip()
      const result = await verify(signed, '--key', `${key}.pub`, '--json')
      expect(result.exitCode, result.stdout.slice(0, 2000)).toBe(0)
      expect(result.json.signature).toEqual({valid: true, fingerprint, trusted: true})
      expect(result.json.proved[0]).toBe(`manifest.json is signed (Ed25519) by the key you gave, ${fingerprint}, and unchanged since`)
      const human = await verify(signed, '--key', `${key}.pub`)
      expect(human.exitCode).toBe(0)
      expect(human.stderr).toContain(fingerprint)
      // Without --key: checked with the key the bundle carries, and said so.
      const carried = await verify(signed, '--json')
      expect(carried.exitCode).toBe(0)
      expect(carried.json.signature).toEqual({valid: true, fingerprint, trusted: false})
      expect(carried.json.notes.join('\n')).toContain('pass --key')
    }, 60_000)

    it('a signed manifest changed after signing fails (exit 7), with or without the key', async ({skip}) => {
      if (!available) skip()
      const tampered = copy(signed, `signed-edit-${Date.now()}`)
      forge(tampered, 'report/report.json', (content) => Buffer.from(content.toString('utf8').replace('"formatVersion": 1', '"formatVersion": 1 ')))
      for (const more of [['--key', `${key}.pub`], []]) {
        const result = await verify(tampered, ...more, '--json')
        expect(result.exitCode).toBe(7)
        expect(result.json.mismatches).toContainEqual(
          expect.objectContaining({
            file: 'manifest.sig',
            figure: 'signature',
            message: `the signature does not match manifest.json: the manifest changed after ${fingerprint} signed it`,
          }),
        )
      }
      expectRefusal(await verify(tampered, '--key', `${key}.pub`), 7, 'manifest.sig signature: the signature does not match manifest.json')
    }, 60_000)

    it('the wrong key, a re-signed bundle, a missing signature and a private key given as --key all fail', async ({skip}) => {
      if (!available) skip()
      const wrong = await verify(signed, '--key', `${otherKey}.pub`, '--json')
      expect(wrong.exitCode).toBe(7)
      expect(wrong.json.mismatches).toEqual([
        expect.objectContaining({
          file: 'manifest.sig',
          message: expect.stringMatching(new RegExp(`^signed by the key ${fingerprint.replace(/[+/]/g, '\\$&')}, not by the key given \\(SHA256:`)),
        }),
      ])

      // A forger who edits the manifest and signs it again with their own key: the carried key verifies, the auditor's does not.
      const resigned = copy(signed, `resigned-${Date.now()}`)
      const {signManifest, signatureContent, loadPrivateKey} = await import('../../src/audit/sign.js')
      const manifestFile = join(resigned, 'manifest.json')
      writeFileSync(manifestFile, readFileSync(manifestFile, 'utf8').replace('"kasumi-audit-bundle"', '"kasumi-audit-bundle" '))
      writeFileSync(join(resigned, 'manifest.sig'), signatureContent(signManifest(readFileSync(manifestFile), await loadPrivateKey(otherKey))))
      expect((await verify(resigned, '--json')).exitCode).toBe(0)
      expectRefusal(await verify(resigned, '--key', `${key}.pub`), 7, `signed by the key SHA256:`)

      const unsigned = await verify(bundle, '--key', `${key}.pub`, '--json')
      expect(unsigned.exitCode).toBe(7)
      expect(unsigned.json.mismatches).toEqual([
        expect.objectContaining({file: 'manifest.sig', message: 'missing: --key asks for a signed bundle, and this one is not signed'}),
      ])

      expectRefusal(await verify(signed, '--key', key), 3, 'is a private key')
      expectRefusal(await verify(signed, '--key', join(dir, 'no-such.pub')), 4, 'no such public key file')
      const garbled = copy(signed, `garbled-${Date.now()}`)
      writeFileSync(join(garbled, 'manifest.sig'), '{"format": "kasumi-signature"}')
      expect((await verify(garbled, '--json')).json.mismatches).toEqual([
        expect.objectContaining({file: 'manifest.sig', message: 'manifest.sig is not an Ed25519 kasumi-signature'}),
      ])
    }, 60_000)
  })
}

describe('a bundle naming another kasumi version', () => {
  it('fails (exit 7): naming another version must not skip the re-derivation', async () => {
    const dir = temp('kasumi-version-')
    const database = join(dir, 'kasumi.db')
    await ok(['init', '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'costs.csv'), '--database', database])
    const bundle = join(dir, 'bundle')
    await ok(['audit', 'export', '--scenario', SCENARIO, '--format', 'json,md', '--out', bundle, '--database', database])
    forge(bundle, 'report/report.md', (content) => Buffer.concat([content, Buffer.from('\nAll figures approved.\n')]))
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'))
    manifest.kasumi = '0.0.1'
    writeFileSync(join(bundle, 'manifest.json'), JSON.stringify(manifest, null, 2))
    const result = await verify(bundle, '--json')
    expect(result.exitCode).toBe(7)
    expect(result.json.mismatches).toContainEqual(
      expect.objectContaining({
        file: 'manifest.json',
        figure: 'kasumi',
        expected: '0.0.1',
        message: expect.stringContaining('npx kasumi@0.0.1 audit verify'),
      }),
    )
  }, 120_000)
})
