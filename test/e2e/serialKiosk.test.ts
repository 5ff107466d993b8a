import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { enrolmentText } from '@ejia/firmware-config'
import { makeQrToken } from '@ejia/protocol'
import { Em4100Sim, Gm65Sim, PtyEndpoint, R307Sim } from '@ejia/simulators'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { type BearerAuth, initialAdminAuth } from '../helpers/hub.js'
import { kill9, type Proc, runBin } from '../helpers/processes.js'
import { listenSse } from '../helpers/sse.js'
import { until } from '../helpers/wait.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * A kiosk agent process with a card reader, a fingerprint module and a QR scanner, each a
 * simulator on a real pseudo-terminal, reporting to a hub process. What people do at the
 * readers must arrive at the hub as the right sign-ins; a reader pulled out and put back
 * mid-run must lose nothing read while it was plugged in. The enrolment sheet's code at the
 * QR scanner is answered as an install check, never as a sign-in.
 */
describe('serial readers at a kiosk, end to end', () => {
  const procs: Proc[] = []
  const endpoints: PtyEndpoint[] = []
  const district = makeDistrict(1)
  const station = district.configs[0]!.station.id
  const token = makeQrToken(Uint8Array.from([1, 1, 2, 3, 5, 8, 13, 21, 34, 55]))
  let hubApi: string
  let auth: BearerAuth
  let hubMqtt: string
  let localApi: string
  let cardLine: PtyEndpoint
  let card: Em4100Sim
  let finger: R307Sim
  let qr: Gm65Sim

  const devicesUp = async () => {
    const { devices } = (await (await fetch(`${localApi}/api/devices`)).json()) as {
      devices: { fault: unknown }[]
    }
    return devices.every((d) => d.fault === null) ? true : undefined
  }
  type Ev = {
    id: string
    type: string
    body: { personId?: string; method?: string; credential?: string; reason?: string; device?: string }
  }
  /** The station's events at the hub, oldest first. */
  const hubEvents = async (): Promise<Ev[]> => {
    const r = (await (
      await fetch(`${hubApi}/api/events?station=${station}&limit=1000`, { headers: auth })
    ).json()) as { events: Ev[] }
    return r.events
  }

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ejia-serial-e2e-'))
    const hub = runBin('hub', 'ejia-hub', [
      '--data',
      join(dir, 'hub'),
      '--registry',
      district.registryFile,
      '--lab',
      '--host',
      '127.0.0.1',
      '--mqtt-port',
      '0',
      '--http-port',
      '0',
    ])
    procs.push(hub)
    const { mqttPort, httpPort } = (await hub.firstJson) as { mqttPort: number; httpPort: number }
    hubApi = `http://127.0.0.1:${httpPort}`
    hubMqtt = `mqtt://127.0.0.1:${mqttPort}`
    auth = await initialAdminAuth(hubApi, join(dir, 'hub'))

    const lines = await Promise.all([PtyEndpoint.create(), PtyEndpoint.create(), PtyEndpoint.create()])
    endpoints.push(...lines)
    const [fingerLine, qrLine] = [lines[1], lines[2]]
    cardLine = lines[0]
    card = new Em4100Sim(cardLine)
    finger = new R307Sim(fingerLine)
    qr = new Gm65Sim(qrLine)
    finger.library.set(5, 77) // the cadre's finger, enrolled on the module at page 5

    const rosterFile = join(dir, 'roster.json')
    writeFileSync(
      rosterFile,
      JSON.stringify({
        version: 'r1',
        people: [
          { personId: 'cadre-1', roles: ['cadre'], cards: ['0013A8F2AB'], fingerprints: [5] },
          { personId: 'member-1', roles: ['member'], qrTokens: [token] },
        ],
      }),
    )
    const config = structuredClone(district.configs[0]!)
    config.hub.mqttUrl = hubMqtt
    config.dataDir = join(dir, 'kiosk')
    config.localApi.port = 0
    config.face.enabled = false
    config.uplink.heartbeatIntervalS = 1
    config.roster.file = rosterFile
    config.devices = [
      { name: 'card', profile: 'rdm6300', port: cardLine.agentPort },
      { name: 'finger', profile: 'r307', port: fingerLine.agentPort, options: { pollMs: 100 } },
      { name: 'qr', profile: 'gm65', port: qrLine.agentPort },
    ]
    const configFile = join(dir, 'station.json')
    writeFileSync(configFile, JSON.stringify(config))
    const edge = runBin('edge', 'ejia-edge', ['--config', configFile])
    procs.push(edge)
    localApi = ((await edge.firstJson) as { localApi: string }).localApi
    await until('all readers connected', devicesUp)
  }, 60_000)

  afterAll(async () => {
    for (const p of procs) await kill9(p)
    for (const e of endpoints) await e.close()
  })

  it('turns reads into check-ins and unknown credentials at the hub, through an unplug', {
    timeout: 120_000,
  }, async () => {
    // people at the readers
    await card.present('0013A8F2AB', 400)
    await card.present('00000000FF', 400) // nobody's card
    qr.show(token)
    qr.show('https://example.com/not-a-token')
    finger.placeFinger(77)
    await sleep(700)
    finger.liftFinger()
    await sleep(400)
    finger.placeFinger(88) // a finger the module does not know
    await sleep(700)
    finger.liftFinger()

    // a run of cards, with the reader yanked out and put back in the middle
    const presentedWhilePlugged: string[] = []
    for (let i = 1; i <= 8; i++) {
      const c = `00000001${String(i).padStart(2, '0')}`
      if (i === 4) {
        await card.cutMidFrame('0000000999') // half a frame, then the cable is out
        await card.present('0000000998', 300) // lost: nothing is plugged in
        await sleep(800)
        await cardLine.replug()
        await until('the card reader back', devicesUp, 20_000)
      }
      await card.present(c, 300)
      presentedWhilePlugged.push(c)
    }

    const events = async () =>
      (await hubEvents()).filter((e) => e.type === 'checkin' || e.type === 'credential.unknown')
    const all = await until('everything at the hub', async () => {
      const e = await events()
      return e.length >= 6 + presentedWhilePlugged.length ? e : undefined
    })
    const summary = all.map((e) =>
      e.type === 'checkin'
        ? `checkin ${e.body.personId} ${e.body.method}`
        : `unknown ${e.body.method} ${e.body.credential} ${e.body.reason}`,
    )
    expect(summary.slice(0, 6).sort()).toEqual(
      [
        'checkin cadre-1 card',
        'unknown card 00000000FF notOnRoster',
        'checkin member-1 qr',
        'unknown qr https://example.com/not-a-token badToken',
        'checkin cadre-1 fingerprint',
        'unknown fingerprint unmatched notOnRoster',
      ].sort(),
    )
    const runCards = all.slice(6).map((e) => e.body.credential)
    expect(runCards).toEqual(presentedWhilePlugged)
    expect(summary.join('\n')).not.toContain('0000000998')
    expect(summary.join('\n')).not.toContain('0000000999')

    // the unplug was reported as a device fault and recorded in the kiosk's counters
    const { devices } = (await (await fetch(`${localApi}/api/devices`)).json()) as {
      devices: { name: string; stats: Record<string, number> }[]
    }
    expect(devices.find((d) => d.name === 'card')?.stats).toMatchObject({ reads: 2 + 8 })
  })

  it("answers the enrolment sheet's code at the QR scanner: a mismatch is a fault, a match is journalled, neither signs in", {
    timeout: 60_000,
  }, async () => {
    const otherStation = station === '339901001999' ? '339901001998' : '339901001999'
    const sheet = (stationId: string) => enrolmentText({ stationId, hub: hubMqtt })
    const stream = listenSse(`${localApi}/api/stream`)
    await stream.opened
    const answers = () => stream.events.filter((e) => e.event === 'enrol').map((e) => e.data)
    const enrolmentFaults = async () => {
      const s = (await (await fetch(`${localApi}/api/status`)).json()) as {
        health: { faults: { device: string; code: string; message: string }[] }
      }
      return s.health.faults.filter((f) => f.device === 'enrolment')
    }
    try {
      // the technician scans another village's sheet
      qr.show(sheet(otherStation))
      const [mismatch] = await until('the answer on the stream', async () =>
        answers().length === 1 ? answers() : undefined,
      )
      expect(mismatch).toMatchObject({
        ok: false,
        device: 'qr',
        problems: [{ code: 'station', installed: station, sheet: otherStation }],
      })
      expect(await enrolmentFaults()).toEqual([
        expect.objectContaining({
          code: 'enrolmentMismatch',
          message: `this kiosk is installed as station ${station}, the sheet is for ${otherStation}`,
        }),
      ])

      // then this kiosk's own sheet
      qr.show(sheet(station))
      const match = await until('the second answer on the stream', async () => answers()[1])
      expect(match).toMatchObject({ ok: true, stationId: station, device: 'qr', eventId: expect.any(String) })
      expect(await enrolmentFaults()).toEqual([])

      // an unknown card after the codes: once it is at the hub, whatever the codes journalled is too
      await card.present('00000000EE', 400)
      const events = await until('the card after the codes at the hub', async () => {
        const e = await hubEvents()
        return e.some((x) => x.type === 'credential.unknown' && x.body.credential === '00000000EE')
          ? e
          : undefined
      })
      const enrolled = events.filter((e) => e.type === 'kiosk.enrolled')
      expect(enrolled.map((e) => [e.id, e.body.device])).toEqual([[match?.eventId, 'qr']])
      const signIns = events.filter((e) => e.type === 'checkin' || e.type === 'credential.unknown')
      expect(signIns.filter((e) => e.body.credential?.startsWith('ejia-enrol:'))).toEqual([])
      // nor is either code a sign-in at the kiosk itself
      const { recent } = (await (await fetch(`${localApi}/api/signins/recent`)).json()) as {
        recent: { credential?: string }[]
      }
      expect(recent.filter((o) => o.credential?.startsWith('ejia-enrol:'))).toEqual([])
      expect(answers()).toHaveLength(2)
    } finally {
      stream.close()
    }
  })
})
