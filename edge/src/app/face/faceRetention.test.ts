import type { RosterPerson } from '@ejia/protocol'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { FACES, faceKit, frame } from './faceKit.fixture.js'
import { FaceRetention, RETENTION_SWEEP_EVERY_MS, type RosterInForce } from './faceRetention.js'

const DAY = 86_400_000
const STATION = '339901001001'
const log = pino({ level: 'silent' })

/** A roster of these people, as the sign-in code sees one. */
const rosterOf = (...ids: string[]) => {
  const people = new Map(
    ids.map((personId): [string, RosterPerson] => [
      personId,
      { personId, roles: ['villager'], cards: [], qrTokens: [], fingerprints: [] },
    ]),
  )
  return { size: people.size, person: (id: string) => people.get(id) }
}

async function retentionKit(roster?: RosterInForce, days = 365) {
  const k = await faceKit()
  const retention = new FaceRetention(
    {
      enrolment: k.service.enrolment,
      store: k.store,
      clock: k.clock,
      log,
      ...(roster ? { roster } : {}),
    },
    { days, stationId: STATION },
  )
  const checkIn = async (face: number) => {
    k.service.startCheckIn()
    for (let i = 0; i < 3; i++) await k.service.frame(frame(face))
    expect(k.service.status()).toMatchObject({ state: 'accepted' })
  }
  const deletions = async () =>
    (await k.events()).filter((e) => e.type === 'face.deleted').map((e) => e.body as Record<string, unknown>)
  return { ...k, retention, checkIn, deletions }
}

describe('face template retention on the kiosk', () => {
  it('deletes a template unused for face.retentionDays, counting from its last check-in', async () => {
    const k = await retentionKit()
    await k.enrol('alice', FACES.alice)
    await k.enrol('bob', FACES.bob)
    k.clock.advance(200 * DAY)
    await k.checkIn(FACES.alice)
    k.clock.advance(164 * DAY)
    expect(await k.retention.sweep()).toEqual([]) // bob: 364 days unused, still within the limit

    k.clock.advance(2 * DAY)
    const [receipt, ...more] = await k.retention.sweep()
    expect(more).toEqual([])
    expect(receipt).toMatchObject({
      personId: 'bob',
      requestedBy: STATION,
      reason: 'retention',
      verified: { noRowLeft: true, noBytesLeft: true, notInGallery: true },
    })
    expect(await k.deletions()).toEqual([
      expect.objectContaining({ personId: 'bob', requestedBy: STATION, reason: 'retention' }),
    ])
    expect(k.service.gallery.has('bob')).toBe(false)
    expect((await k.store.usage()).map((t) => t.personId)).toEqual(['alice'])
    // alice's template counts from her check-in 166 days ago, not from her enrolment 366 days ago
    expect((await k.store.usage())[0]?.lastMatchedAt).toBe(k.clock.now() - 166 * DAY)
  })

  it('deletes the template of a person removed from the roster, once the roster can say so', async () => {
    let roster: ReturnType<RosterInForce> = rosterOf('alice', 'bob')
    const k = await retentionKit(() => roster)
    await k.enrol('alice', FACES.alice)
    await k.enrol('bob', FACES.bob)
    k.clock.advance(2 * DAY)
    expect(await k.retention.sweep()).toEqual([])

    // not synced yet (a resync in progress), or a roster with nobody on it: nothing is deleted
    roster = undefined
    expect(await k.retention.sweep()).toEqual([])
    roster = rosterOf()
    expect(await k.retention.sweep()).toEqual([])

    roster = rosterOf('alice')
    expect((await k.retention.sweep()).map((r) => [r.personId, r.reason])).toEqual([['bob', 'rosterRemoved']])
    expect(await k.deletions()).toEqual([
      expect.objectContaining({ personId: 'bob', requestedBy: STATION, reason: 'rosterRemoved' }),
    ])
    expect(k.service.gallery.has('alice')).toBe(true)
  })

  it('leaves a person enrolled today alone though the kiosk’s roster does not have them yet', async () => {
    const k = await retentionKit(() => rosterOf('alice'))
    await k.enrol('carol', FACES.bob)
    k.clock.advance(DAY - 60_000)
    expect(await k.retention.sweep()).toEqual([])
    k.clock.advance(120_000)
    expect((await k.retention.sweep()).map((r) => r.personId)).toEqual(['carol'])
  })

  it('sweeps at start and every six hours until stopped', async () => {
    const k = await retentionKit(undefined, 30)
    await k.enrol('alice', FACES.alice)
    await k.enrol('bob', FACES.bob)
    k.clock.advance(31 * DAY)
    k.retention.start()
    await expect.poll(() => k.deletions()).toHaveLength(2)

    await k.enrol('carol', FACES.bob)
    // six-hourly sweeps, each let finish before the next: carol is due after 30 days
    const sixHours = async (times: number) => {
      for (let i = 0; i < times; i++) {
        k.clock.advance(RETENTION_SWEEP_EVERY_MS)
        await new Promise((r) => setTimeout(r, 5))
      }
    }
    await sixHours(4 * 30 - 1)
    expect(await k.deletions()).toHaveLength(2)
    await sixHours(2)
    await expect.poll(() => k.deletions()).toHaveLength(3)
    await k.retention.stop()
    await k.enrol('dave', FACES.alice)
    k.clock.advance(60 * DAY)
    await new Promise((r) => setTimeout(r, 50))
    expect(await k.deletions()).toHaveLength(3)
  })
})
