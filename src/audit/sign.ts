import {createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject} from 'node:crypto'
import {lstatSync} from 'node:fs'
import {rename, rm, writeFile} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'

import {ConflictError, InvalidInputError} from '../domain/errors.js'
import {readKeyText} from '../ingest/key-files.js'
import {outputError} from '../report/write.js'

/**
 * Signed audit manifests: Ed25519 (node:crypto). The signature covers the
 * exact bytes of manifest.json, which lists the SHA-256 of every file of the
 * bundle, so it vouches for the whole bundle. It is kept beside the manifest
 * in manifest.sig, with the signer's public key and its fingerprint.
 */
export const SIGNATURE_FILE = 'manifest.sig'
export const SIGNATURE_FORMAT = 'kasumi-signature'

export interface ManifestSignature {
  format: typeof SIGNATURE_FORMAT
  algorithm: 'ed25519'
  /** The signed file, in the bundle. */
  signed: string
  /** The signer's public key: SPKI DER, base64. */
  publicKey: string
  /** SHA256:<base64 of the SHA-256 of the SPKI DER>, as OpenSSH prints key fingerprints. */
  fingerprint: string
  /** The Ed25519 signature of the signed file's bytes, base64. */
  signature: string
}

/** A public key's fingerprint: SHA256: and the unpadded base64 of the SHA-256 of its SPKI DER. */
export function fingerprint(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  const der = publicKey.export({type: 'spki', format: 'der'})
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`
}

function requireEd25519(key: KeyObject, file: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new InvalidInputError(
      `${file} is a ${key.asymmetricKeyType ?? 'non-asymmetric'} key, not an Ed25519 key`,
      [{file, message: 'kasumi signs with Ed25519 keys only'}],
      {suggestion: 'make a key pair with `kasumi audit keygen`'},
    )
  }
  return key
}

/** Reads an Ed25519 private key (PKCS#8 PEM, as `kasumi audit keygen` writes it). */
export async function loadPrivateKey(file: string): Promise<KeyObject> {
  const text = await readKeyText(file, 'private key')
  let key: KeyObject
  try {
    key = createPrivateKey(text)
  } catch (error) {
    throw new InvalidInputError(`${file} is not a private key kasumi can read`, [{file, message: (error as Error).message}], {
      suggestion: 'give the private key file `kasumi audit keygen` wrote (not the .pub file)',
    })
  }
  return requireEd25519(key, file)
}

/** Reads an Ed25519 public key (SPKI PEM, as `kasumi audit keygen` writes it to KEY.pub). */
export async function loadPublicKey(file: string): Promise<KeyObject> {
  const text = await readKeyText(file, 'public key')
  if (/PRIVATE KEY/.test(text))
    throw new InvalidInputError(`${file} is a private key`, [{file, message: 'verification needs the public key'}], {
      suggestion: 'give the .pub file `kasumi audit keygen` wrote; keep the private key to yourself',
    })
  let key: KeyObject
  try {
    key = createPublicKey(text)
  } catch (error) {
    throw new InvalidInputError(`${file} is not a public key kasumi can read`, [{file, message: (error as Error).message}], {
      suggestion: 'give the .pub file `kasumi audit keygen` wrote',
    })
  }
  return requireEd25519(key, file)
}

/** The signature of a manifest's bytes, as manifest.sig holds it. */
export function signManifest(manifest: Buffer, privateKey: KeyObject, signed = 'manifest.json'): ManifestSignature {
  const publicKey = createPublicKey(privateKey)
  return {
    format: SIGNATURE_FORMAT,
    algorithm: 'ed25519',
    signed,
    publicKey: publicKey.export({type: 'spki', format: 'der'}).toString('base64'),
    fingerprint: fingerprint(publicKey),
    signature: sign(null, manifest, privateKey).toString('base64'),
  }
}

export function signatureContent(signature: ManifestSignature): string {
  return `${JSON.stringify(signature, null, 2)}\n`
}

export interface SignatureCheck {
  /** The signature is well-formed and verifies over the manifest with the key it names. */
  valid: boolean
  /** The key that signed, by fingerprint (as manifest.sig states it). */
  fingerprint?: string
  /** A key was given to check against (--key), and it is the signer's. */
  trusted: boolean
  problem?: string
}

/**
 * Checks manifest.sig against the manifest's bytes: with `expected` (the
 * auditor's copy of the signer's public key) the signature must verify with
 * that key; without it, with the key manifest.sig carries (which proves the
 * bundle is unchanged since that key signed it, not who holds the key).
 */
export function checkSignature(manifest: Buffer, text: string, expected?: KeyObject): SignatureCheck {
  let parsed: Partial<ManifestSignature>
  try {
    parsed = JSON.parse(text) as Partial<ManifestSignature>
  } catch {
    return {valid: false, trusted: false, problem: 'manifest.sig is not valid JSON'}
  }
  if (
    parsed?.format !== SIGNATURE_FORMAT ||
    parsed.algorithm !== 'ed25519' ||
    typeof parsed.publicKey !== 'string' ||
    typeof parsed.signature !== 'string'
  ) {
    return {valid: false, trusted: false, problem: `manifest.sig is not an Ed25519 ${SIGNATURE_FORMAT}`}
  }
  let embedded: KeyObject
  try {
    embedded = createPublicKey({key: Buffer.from(parsed.publicKey, 'base64'), format: 'der', type: 'spki'})
  } catch {
    return {valid: false, trusted: false, problem: 'manifest.sig holds no readable public key'}
  }
  if (embedded.asymmetricKeyType !== 'ed25519') return {valid: false, trusted: false, problem: 'manifest.sig names a key that is not Ed25519'}
  const signer = fingerprint(embedded)
  if (parsed.fingerprint !== signer)
    return {
      valid: false,
      fingerprint: signer,
      trusted: false,
      problem: `manifest.sig states the fingerprint ${String(parsed.fingerprint)}, but its key's is ${signer}`,
    }
  const key = expected ?? embedded
  if (expected && fingerprint(expected) !== signer) {
    return {
      valid: false,
      fingerprint: signer,
      trusted: false,
      problem: `signed by the key ${signer}, not by the key given (${fingerprint(expected)})`,
    }
  }
  let ok = false
  try {
    ok = verify(null, manifest, key, Buffer.from(parsed.signature, 'base64'))
  } catch {
    ok = false
  }
  if (!ok)
    return {
      valid: false,
      fingerprint: signer,
      trusted: false,
      problem: `the signature does not match manifest.json: the manifest changed after ${signer} signed it`,
    }
  return {valid: true, fingerprint: signer, trusted: expected !== undefined}
}

export interface KeyPairFiles {
  privateKey: string
  publicKey: string
  fingerprint: string
}

/**
 * Writes a new Ed25519 key pair: the private key (PKCS#8 PEM, mode 0600) at
 * `file` and the public key (SPKI PEM) at `file.pub`. Refuses to replace
 * either without `force`; each is written to a temporary file and renamed
 * into place, so that a key file is never half-written.
 */
export async function generateKeyPair(file: string, options: {force: boolean}): Promise<KeyPairFiles> {
  const privatePath = resolve(file)
  const publicPath = `${privatePath}.pub`
  for (const path of [privatePath, publicPath]) {
    let stats
    try {
      stats = lstatSync(path)
    } catch {
      continue
    }
    if (!stats.isFile())
      throw new ConflictError(`${path} exists and is not a file; it was left as it is`, {suggestion: 'choose another key file name'})
    if (!options.force)
      throw new ConflictError(`${path} already exists`, {
        suggestion: 'pass --force to replace the key pair (signatures made with the old key then no longer match it), or choose another name',
      })
  }
  const {privateKey, publicKey} = generateKeyPairSync('ed25519')
  const stamp = `${process.pid}-${Date.now().toString(36)}`
  const temporary = (path: string) => join(dirname(path), `.${basename(path)}.${stamp}.tmp`)
  const written: string[] = []
  try {
    await writeFile(temporary(privatePath), privateKey.export({type: 'pkcs8', format: 'pem'}), {mode: 0o600, flag: 'wx'})
    written.push(temporary(privatePath))
    await writeFile(temporary(publicPath), publicKey.export({type: 'spki', format: 'pem'}), {mode: 0o644, flag: 'wx'})
    written.push(temporary(publicPath))
    await rename(temporary(privatePath), privatePath)
    await rename(temporary(publicPath), publicPath)
  } catch (error) {
    for (const path of written) await rm(path, {force: true})
    throw outputError(privatePath, error)
  }
  return {privateKey: privatePath, publicKey: publicPath, fingerprint: fingerprint(publicKey)}
}
