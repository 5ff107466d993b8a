import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto'
import { configure } from 'safe-stable-stringify'
import type { Event } from './event.js'

/**
 * The tamper-evident journal. Each event a kiosk records carries `prev`, the hash of the
 * station's previous event, and `sig`, an Ed25519 signature by the station's journal key
 * over its own hash. The hash covers every field but `sig`, `prev` included, so an event
 * vouches for the whole history before it: editing, deleting or inserting an event breaks
 * the link to the next one, and a link cannot be mended without the station's key.
 *
 * The hash is SHA-256 over the event in canonical JSON: keys sorted by UTF-16 code unit,
 * no white space, numbers and strings as JSON.stringify writes them. For the JSON a kiosk
 * can journal (finite numbers only: decoding refuses the rest) that is RFC 8785 (JCS).
 */

/** Signatures are over this prefix and the 32 hash bytes, so they mean nothing elsewhere. */
const SIGNING_CONTEXT = Buffer.from('ejia/v1 event\0', 'utf8')

// not strict: undefined members are left out and the rest written as JSON.stringify does
const canonical = configure({ deterministic: true, circularValue: Error, bigint: false })

/** An event as the station signs it: everything but the signature. */
export type ChainedContent = Event | Omit<Event, 'sig'>

/** The event's hash, base64url (43 characters). */
export function eventHash(e: ChainedContent): string {
  const { sig: _, ...content } = e as Event
  const json = canonical(content)
  if (json === undefined) throw new TypeError('an event must serialise to JSON')
  return createHash('sha256').update(json, 'utf8').digest('base64url')
}

function signedBytes(hash: string): Buffer {
  return Buffer.concat([SIGNING_CONTEXT, Buffer.from(hash, 'base64url')])
}

/** A station's journal key pair: the private key stays on the kiosk. */
export interface JournalKey {
  privateKey: KeyObject
  /** The raw 32-byte Ed25519 public key, base64url: how the hub pins it. */
  publicKey: string
}

export function newJournalKey(): JournalKey {
  const { privateKey } = generateKeyPairSync('ed25519')
  return journalKeyOf(privateKey)
}

/** The key pair of a PKCS#8 PEM private key; throws unless it is Ed25519. */
export function journalKeyFromPem(pem: string): JournalKey {
  const privateKey = createPrivateKey(pem)
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`a journal key must be Ed25519, not ${privateKey.asymmetricKeyType}`)
  }
  return journalKeyOf(privateKey)
}

function journalKeyOf(privateKey: KeyObject): JournalKey {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' })
  if (typeof jwk.x !== 'string') throw new TypeError('no public key in the journal key')
  return { privateKey, publicKey: jwk.x }
}

export function signHash(hash: string, key: KeyObject): string {
  return sign(null, signedBytes(hash), key).toString('base64url')
}

/** A pinned public key (base64url raw Ed25519) as a KeyObject; throws on a malformed one. */
export function publicKeyOf(publicKey: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' })
}

/** True when `sig` is the station's signature over `hash`. */
export function verifyHash(hash: string, sig: string, key: KeyObject): boolean {
  try {
    return verify(null, signedBytes(hash), key, Buffer.from(sig, 'base64url'))
  } catch {
    return false
  }
}
