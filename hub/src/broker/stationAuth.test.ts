import { hashSecret, type Registry } from '@ejia/firmware-config'
import { describe, expect, it } from 'vitest'
import { StationAuth, secretSha256, stationClientId } from './stationAuth.js'

const A = '339901001001'
const B = '339901001002'
const OLD = 'old-secret-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
const NEW = 'new-secret-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
const OTHER = 'other-secret-cccccccccccccccccccccccccccccccc'

const registry = {
  version: 1,
  district: { code: '339901', name: '青山区' },
  towns: [{ code: '339901001', name: '城关镇' }],
  stations: [A, B].map((id) => ({
    id,
    name: id,
    tier: 'village',
    townCode: '339901001',
    auth: { username: id, secretSha256: hashSecret(id === A ? OLD : OTHER) },
  })),
} as unknown as Registry

function setup() {
  let now = 1_000_000
  const promoted: [string, string][] = []
  const auth = new StationAuth(registry, {
    now: () => now,
    onPromoted: (s, c) => void promoted.push([s, c]),
  })
  const login = (secret: string, stationId = A, clientId = stationClientId(stationId)) =>
    auth.authenticate(clientId, stationId, Buffer.from(secret))
  const advance = (ms: number) => {
    now += ms
  }
  return { auth, promoted, login, advance }
}

describe('StationAuth: a station secret’s states', () => {
  it('registry: only the provisioned secret, and only with the station’s own client id', () => {
    const t = setup()
    expect(t.login(OLD)).toEqual({ ok: true, stationId: A, secret: 'current' })
    expect(t.login(NEW)).toEqual({ ok: false, reason: 'badSecret' })
    expect(t.login(OLD, A, 'someone-else')).toEqual({ ok: false, reason: 'badClientId' })
    expect(t.login(OTHER)).toEqual({ ok: false, reason: 'badSecret' })
    expect(t.auth.secretState(A)).toEqual({ source: 'registry', pending: null })
  })

  it('pending: both secrets work; the first login with the new one promotes it and retires the old', () => {
    const t = setup()
    t.auth.setPending(A, { sha256: secretSha256(NEW), commandId: 'c1', expiresAt: 2_000_000 })
    expect(t.auth.secretState(A)).toEqual({
      source: 'registry',
      pending: { commandId: 'c1', expiresAt: 2_000_000 },
    })
    expect(t.login(OLD)).toEqual({ ok: true, stationId: A, secret: 'current' })
    // a wrong client id with the new secret is refused and promotes nothing
    expect(t.login(NEW, A, 'ejia-edge-339901001002')).toEqual({ ok: false, reason: 'badClientId' })
    expect(t.promoted).toEqual([])
    expect(t.login(NEW)).toEqual({ ok: true, stationId: A, secret: 'pending' })
    expect(t.promoted).toEqual([[A, 'c1']])
    expect(t.auth.secretState(A)).toEqual({ source: 'rotated', pending: null })
    expect(t.login(NEW)).toEqual({ ok: true, stationId: A, secret: 'current' })
    expect(t.login(OLD)).toEqual({ ok: false, reason: 'badSecret' })
    expect(t.promoted).toHaveLength(1)
    // the other station is untouched
    expect(t.login(OTHER, B)).toEqual({ ok: true, stationId: B, secret: 'current' })
  })

  it('expired or discarded: the pending secret is refused and the old one stays', () => {
    const t = setup()
    t.auth.setPending(A, { sha256: secretSha256(NEW), commandId: 'c1', expiresAt: 1_000_500 })
    t.advance(500)
    expect(t.login(NEW)).toEqual({ ok: false, reason: 'badSecret' })
    expect(t.auth.secretState(A)).toEqual({ source: 'registry', pending: null })
    expect(t.login(OLD).ok).toBe(true)

    t.auth.setPending(A, { sha256: secretSha256(NEW), commandId: 'c2', expiresAt: 9_000_000 })
    expect(t.auth.discardPending(A, 'c1')).toBe(false) // another command's: kept
    expect(t.auth.discardPending(A, 'c2')).toBe(true)
    expect(t.login(NEW)).toEqual({ ok: false, reason: 'badSecret' })
    expect(t.login(OLD).ok).toBe(true)
    expect(t.promoted).toEqual([])
  })

  it('rotated: a secret from the hub’s database overrides the registry’s, and can rotate again', () => {
    const t = setup()
    t.auth.useRotated(A, secretSha256(NEW))
    expect(t.auth.secretState(A)).toEqual({ source: 'rotated', pending: null })
    expect(t.login(OLD)).toEqual({ ok: false, reason: 'badSecret' })
    expect(t.login(NEW).ok).toBe(true)
    expect(t.auth.registrySha256(A)).toBe(hashSecret(OLD))

    const NEWER = 'newer-secret-dddddddddddddddddddddddddddddddd'
    t.auth.setPending(A, { sha256: secretSha256(NEWER), commandId: 'c3', expiresAt: 9_000_000 })
    expect(t.auth.promote(A, 'c9')).toBe(false)
    expect(t.auth.promote(A, 'c3')).toBe(true) // the kiosk said succeeded before logging in
    expect(t.login(NEW)).toEqual({ ok: false, reason: 'badSecret' })
    expect(t.login(NEWER)).toEqual({ ok: true, stationId: A, secret: 'current' })
  })
})

describe('StationAuth: certificates and revocation (issue 8)', () => {
  const pinned = structuredClone(registry)
  const [sa, sb] = pinned.stations as [Registry['stations'][number], Registry['stations'][number]]
  sa.auth.certSerial = '7a01ff'
  sb.revoked = true
  const tlsLogin = (auth: StationAuth, secret: string, cn: string | undefined, serial: string) =>
    auth.authenticate(stationClientId(A), A, Buffer.from(secret), { cn, serial })

  it('over TLS the certificate must name the station and carry the serial the registry pins', () => {
    const auth = new StationAuth(pinned)
    expect(tlsLogin(auth, OLD, A, '7A01FF')).toMatchObject({ ok: true, stationId: A })
    expect(tlsLogin(auth, OLD, A, '007a01ff')).toMatchObject({ ok: true })
    expect(tlsLogin(auth, OLD, B, '7a01ff')).toEqual({ ok: false, reason: 'badCertificate' })
    expect(tlsLogin(auth, OLD, undefined, '7a01ff')).toEqual({ ok: false, reason: 'badCertificate' })
    // an older certificate of the same station: refused once the registry pins the new one
    expect(tlsLogin(auth, OLD, A, '7a01fe')).toEqual({ ok: false, reason: 'badCertificate' })
    // the secret is still checked first
    expect(tlsLogin(auth, OTHER, A, '7a01ff')).toEqual({ ok: false, reason: 'badSecret' })
  })

  it('refuses a revoked station with its right secret, until unrevoked; the registry can revoke', () => {
    const auth = new StationAuth(pinned)
    const plain = (id: string, secret: string) =>
      auth.authenticate(stationClientId(id), id, Buffer.from(secret))
    expect(plain(B, OTHER)).toEqual({ ok: false, reason: 'revoked' })
    expect(auth.isRevoked(B)).toBe(true)
    expect(plain(A, OLD)).toMatchObject({ ok: true })
    auth.revoke(A)
    expect(plain(A, OLD)).toEqual({ ok: false, reason: 'revoked' })
    expect(tlsLogin(auth, OLD, A, '7a01ff')).toEqual({ ok: false, reason: 'revoked' })
    // a wrong secret is still a wrong secret: guesses are not told the station is revoked
    expect(plain(A, NEW)).toEqual({ ok: false, reason: 'badSecret' })
    auth.unrevoke(A)
    expect(plain(A, OLD)).toMatchObject({ ok: true })
  })
})
