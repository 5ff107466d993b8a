import { hashPin } from '@ejia/platform'
import { type DutyRota, localDate, makeQrToken, type PlannedActivity } from '@ejia/protocol'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../adapters/fake/manualClock.js'
import { MemoryJournal } from '../adapters/fake/memoryJournal.js'
import { JsonRoster } from '../adapters/roster/jsonRoster.js'
import { CredentialSignIn } from './credentialSignIn.js'
import { FaultBoard } from './faults.js'
import { PIN_LOCK_MS, PIN_MAX_TRIES } from './pinGuard.js'
import { createRecordEvent } from './recordEvent.js'

const token = makeQrToken(Uint8Array.from([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]))
const roster = JsonRoster.parse({
  version: 'r1',
  people: [
    {
      personId: 'c-1',
      name: '张建国',
      roles: ['cadre', 'member'],
      cards: ['0013A8F2AB'],
      fingerprints: [5],
      pinHash: await hashPin('2580'),
    },
    { personId: 'm-1', roles: ['member'], cards: ['099,00999'], qrTokens: [token] },
  ],
})

function setup(plans: PlannedActivity[] = [], rotas: DutyRota[] = []) {
  const clock = new ManualClock()
  const journal = new MemoryJournal('339901001001')
  const record = createRecordEvent({
    journal,
    clock,
    faults: new FaultBoard(clock),
    onRecorded: () => undefined,
  })
  const study = { personId: 'c-1', done: 6, dueByNow: 8, target: 32, behind: true, asOf: '2026-11-20' }
  const signIn = new CredentialSignIn({
    roster: () => roster,
    study: (id) => (id === study.personId ? study : undefined),
    plans: () => plans,
    rotas: () => rotas,
    dutyDefaults: { duplicateWithinMin: 3 },
    record,
    journal,
    clock,
  })
  const at = clock.now()
  const read = (method: 'card' | 'qr' | 'fingerprint', credential: string) =>
    signIn.handle('dev', { method, credential, at })
  const events = async () => (await journal.pending({ afterSeq: 0, limit: 100 })).map((e) => [e.type, e.body])
  return { clock, signIn, read, events }
}

describe('credential sign-in', () => {
  it('signs in by card (any case), QR token and fingerprint page, to the current activity', async () => {
    const t = setup()
    t.signIn.setMode({ kind: 'checkin', activityId: 'act-25' })
    await t.read('card', '0013a8f2ab')
    await t.read('qr', token)
    await t.read('fingerprint', '5')
    expect(await t.events()).toEqual([
      ['checkin', { personId: 'c-1', method: 'card', activityId: 'act-25' }],
      ['checkin', { personId: 'm-1', method: 'qr', activityId: 'act-25' }],
      ['checkin', { personId: 'c-1', method: 'fingerprint', activityId: 'act-25' }],
    ])
  })

  it("counts a read to today's first planned activity when the mode names none", async () => {
    const plan = (activityId: string, date: string): PlannedActivity => ({
      activityId,
      kind: 'themeDay',
      title: activityId,
      date,
      agenda: [],
      hours: 2,
    })
    const today = localDate(new ManualClock().now()) // the clock setup() makes
    const t = setup([plan('act-yesterday', '2000-01-01'), plan('act-today', today), plan('act-later', today)])
    expect(await t.read('card', '0013A8F2AB')).toMatchObject({ kind: 'checkin', activityId: 'act-today' })
    t.signIn.setMode({ kind: 'checkin', activityId: 'act-later' })
    await t.read('qr', token)
    expect(await t.events()).toEqual([
      ['checkin', { personId: 'c-1', method: 'card', activityId: 'act-today' }],
      ['checkin', { personId: 'm-1', method: 'qr', activityId: 'act-later' }],
    ])
  })

  it('journals unknown cards, unmatched fingers and bad QR tokens, signing nobody in', async () => {
    const t = setup()
    expect(await t.read('card', '00000000FF')).toMatchObject({ kind: 'unknown', reason: 'notOnRoster' })
    expect(await t.read('fingerprint', 'unmatched')).toMatchObject({ kind: 'unknown', reason: 'notOnRoster' })
    const tampered = `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`
    expect(await t.read('qr', tampered)).toMatchObject({ kind: 'unknown', reason: 'badToken' })
    expect((await t.events()).map(([type]) => type)).toEqual([
      'credential.unknown',
      'credential.unknown',
      'credential.unknown',
    ])
    expect((await t.events())[0]).toEqual([
      'credential.unknown',
      { method: 'card', credential: '00000000FF', device: 'dev', reason: 'notOnRoster' },
    ])
  })

  it('clocks a cadre in and out in duty mode, and a new shift after a long gap', async () => {
    const t = setup()
    t.signIn.setMode({ kind: 'duty' })
    expect(await t.read('card', '0013A8F2AB')).toMatchObject({ kind: 'duty', direction: 'in' })
    t.clock.advance(8 * 3600_000)
    expect(await t.read('fingerprint', '5')).toMatchObject({ kind: 'duty', direction: 'out' })
    t.clock.advance(3 * 60_000)
    expect(await t.read('card', '0013A8F2AB')).toMatchObject({ direction: 'in' })
    t.clock.advance(20 * 3600_000) // forgot to clock out yesterday: today starts with "in"
    t.signIn.setMode({ kind: 'duty' })
    expect(await t.read('card', '0013A8F2AB')).toMatchObject({ direction: 'in' })
    // a member in duty mode is simply signed in
    expect(await t.read('card', '099,00999')).toMatchObject({ kind: 'checkin', personId: 'm-1' })
  })

  it('repeats the direction of a punch within the duplicate window instead of flipping it', async () => {
    const t = setup()
    t.signIn.setMode({ kind: 'duty' })
    const first = await t.read('card', '0013A8F2AB')
    t.clock.advance(20_000) // the card held to the reader again, to be sure
    const again = await t.read('card', '0013A8F2AB')
    expect(again).toMatchObject({ kind: 'duty', direction: 'in' })
    expect(again).toHaveProperty('repeatsPunchAt')
    expect(first).not.toHaveProperty('repeatsPunchAt')
    t.clock.advance(3 * 60_000) // past the config's 3 minutes: the next punch is the "out"
    expect(await t.read('card', '0013A8F2AB')).toMatchObject({ direction: 'out' })
    // every read is journalled; the hub collapses the repeat
    expect((await t.events()).map(([, b]) => (b as { direction: string }).direction)).toEqual([
      'in',
      'in',
      'out',
    ])
  })

  it("takes the duplicate window of the rota in force over the config's", async () => {
    const rota: DutyRota = {
      stationId: '339901001001',
      patterns: [],
      holidays: [],
      graceLateMin: 5,
      graceEarlyMin: 5,
      duplicateWithinMin: 0,
    }
    const t = setup([], [rota])
    t.signIn.setMode({ kind: 'duty' })
    await t.read('card', '0013A8F2AB')
    t.clock.advance(20_000)
    expect(await t.read('card', '0013A8F2AB')).toMatchObject({ direction: 'out' })
  })

  it('refuses a roster that gives one card to two people', () => {
    expect(() =>
      JsonRoster.parse({
        version: 'x',
        people: [
          { personId: 'a', roles: ['member'], cards: ['0000000001'] },
          { personId: 'b', roles: ['member'], cards: ['0000000001'] },
        ],
      }),
    ).toThrow(/belongs to both a and b/)
  })

  it('greets a member by name with their study hours as the hub last sent them', async () => {
    const t = setup()
    expect(await t.read('card', '0013A8F2AB')).toMatchObject({
      kind: 'checkin',
      name: '张建国',
      study: { done: 6, dueByNow: 8, behind: true, asOf: '2026-11-20' },
    })
  })

  it('signs in by PIN, journals wrong PINs without the PIN, and locks after five in a row', async () => {
    const t = setup()
    expect(await t.signIn.pin('c-1', '2580')).toMatchObject({
      kind: 'checkin',
      personId: 'c-1',
      method: 'pin',
    })
    expect(await t.signIn.pin('m-1', '2580')).toMatchObject({ kind: 'unknown', reason: 'badPin' }) // no PIN set
    expect(await t.signIn.pin('nobody', '2580')).toMatchObject({ kind: 'unknown', reason: 'badPin' })
    for (let i = 1; i < PIN_MAX_TRIES; i++) {
      expect(await t.signIn.pin('c-1', '0000')).toMatchObject({ reason: 'badPin' })
    }
    expect(await t.signIn.pin('c-1', '0000')).toMatchObject({ reason: 'pinLocked' })
    // locked: even the right PIN is refused until the lock runs out
    expect(await t.signIn.pin('c-1', '2580')).toMatchObject({ reason: 'pinLocked' })
    t.clock.advance(PIN_LOCK_MS)
    expect(await t.signIn.pin('c-1', '2580')).toMatchObject({ kind: 'checkin' })
    const events = await t.events()
    expect(events.filter(([type]) => type === 'checkin')).toHaveLength(2)
    expect(JSON.stringify(events)).not.toContain('0000')
    expect(events).toContainEqual([
      'credential.unknown',
      { method: 'pin', credential: 'c-1', device: 'keypad', reason: 'pinLocked' },
    ])
  })

  it('takes a vouch from a cadre who proves who they are, with the witness photo, as a check-in', async () => {
    const t = setup()
    const photo = 'ab'.repeat(32)
    t.signIn.setMode({ kind: 'duty' })
    expect(
      await t.signIn.vouch({ personId: 'm-1', cadreId: 'c-1', cadrePin: '2580', witnessPhotoId: photo }),
    ).toMatchObject({ kind: 'checkin', personId: 'm-1', method: 'vouch' })
    expect(
      await t.signIn.vouch({ personId: 'm-1', cadreId: 'c-1', cadrePin: '1111', witnessPhotoId: photo }),
    ).toMatchObject({ kind: 'unknown', reason: 'badPin' })
    await expect(
      t.signIn.vouch({ personId: 'c-1', cadreId: 'm-1', cadrePin: '2580', witnessPhotoId: photo }),
    ).rejects.toMatchObject({ code: 'notCadre' })
    await expect(
      t.signIn.vouch({ personId: 'stranger', cadreId: 'c-1', cadrePin: '2580', witnessPhotoId: photo }),
    ).rejects.toMatchObject({ code: 'notOnRoster' })
    expect((await t.events()).filter(([type]) => type === 'checkin')).toEqual([
      ['checkin', { personId: 'm-1', method: 'vouch', vouchedBy: 'c-1', witnessPhotoId: photo }],
    ])
  })

  it('signs a recognised face in by the same rules: a cadre clocks duty in duty mode, others check in', async () => {
    const t = setup()
    const seen = { score: 0.81, margin: 0.2, modelVersion: 'fr-test' }
    t.signIn.setMode({ kind: 'duty' })
    expect(await t.signIn.face({ personId: 'c-1', ...seen })).toMatchObject({ kind: 'duty', direction: 'in' })
    // someone enrolled at this kiosk but not (yet) on the roster still checks in
    expect(await t.signIn.face({ personId: 'walk-in', ...seen })).toMatchObject({ kind: 'checkin' })
    t.signIn.setMode({ kind: 'checkin', activityId: 'act-25' })
    await t.signIn.face({ personId: 'm-1', ...seen, activityId: 'act-26' })
    expect(await t.events()).toEqual([
      ['duty.punch', { personId: 'c-1', direction: 'in', method: 'face', score: 0.81 }],
      ['checkin', { personId: 'walk-in', method: 'face', ...seen }],
      // the session's own activity wins over the kiosk's mode
      ['checkin', { personId: 'm-1', method: 'face', activityId: 'act-26', ...seen }],
    ])
  })
})
