import type { CommandName } from '@ejia/protocol'
import type { CommandView, ControlTarget, StationConfigView, StationView } from '../src/api/types.js'
import { SECTIONS } from '../src/pages/Config/settingsForm.js'
import type { FakeAnswer } from './fakeRecords.js'
import { prng } from './syntheticFleet.js'

/** The sections a push may carry, as the push form has them (held to RemoteSettings by its test). */
const PUSHABLE = new Set<string>(SECTIONS)
/** The serial paths the fake kiosks have; a push naming another is rejected, as a real kiosk does. */
const PORTS = ['/dev/serial/by-id/usb-reader', '/dev/ttyUSB0', '/dev/ttyUSB1']
const COMMAND_NAMES = ['restartAgent', 'resyncRoster', 'reupload', 'rotateCredentials']

interface FakeConfig {
  desired: StationConfigView['desired']
  applied: number
  state: StationConfigView['state']
  problems: StationConfigView['problems']
  reportedAt: string | null
}

/**
 * The remote config and command routes of the fake hub (dev/fakeHub.ts): a district where the
 * town of 城关镇 had a config pushed a week ago (applied, one station rejecting a reader port it
 * does not have, the offline ones still pending) and the odd command in the last days. A push
 * or a command is answered by the fake kiosks as real ones would: online ones apply a config
 * after a moment, or reject a serial port they do not have; a command is accepted, then succeeds.
 */
export function fakeControlRoutes(stations: () => readonly StationView[], operator: string) {
  const rnd = prng(7)
  const now = Date.now()
  const configs = new Map<string, FakeConfig>()
  const commands: CommandView[] = []
  /** Every version pushed through this fake, for /api/config/history. */
  const log: {
    stationId: string
    version: number
    issuedAt: string
    issuedBy: string
    settings: Record<string, unknown>
  }[] = []
  const online = (id: string) => stations().find((s) => s.id === id)?.status === 'online'
  const iso = (t: number) => new Date(t).toISOString()

  const first = stations()[0]?.townCode
  const pushedAt = iso(now - 7 * 86_400_000)
  const baseSettings = { uplink: { heartbeatIntervalS: 60 }, journal: { retentionDays: 365 } }
  for (const s of stations()) {
    if (s.townCode !== first) continue
    const desired = { version: 1, issuedAt: pushedAt, issuedBy: 'chengguan', settings: baseSettings }
    configs.set(s.id, {
      desired,
      applied: s.status === 'never' ? 0 : 1,
      state: s.status === 'never' ? 'pending' : 'applied',
      problems: [],
      reportedAt: s.status === 'never' ? null : pushedAt,
    })
  }
  const rejecting = stations().find((s) => s.townCode === first && s.status === 'online')
  if (rejecting) {
    configs.set(rejecting.id, {
      desired: {
        version: 2,
        issuedAt: iso(now - 3 * 3_600_000),
        issuedBy: 'chengguan',
        settings: {
          ...baseSettings,
          devices: [{ name: 'card', profile: 'rdm6300', port: '/dev/ttyUSB7' }],
        },
      },
      applied: 1,
      state: 'rejected',
      problems: [{ path: '/devices/0/port', message: 'no serial device /dev/ttyUSB7 on this kiosk' }],
      reportedAt: iso(now - 3 * 3_600_000 + 4000),
    })
  }
  for (const [i, s] of stations().slice(0, 12).entries()) {
    const name = COMMAND_NAMES[i % 3] as CommandName
    const at = now - (i + 1) * 5_400_000
    commands.push({
      commandId: `fake-${i}`,
      stationId: s.id,
      name,
      args: name === 'reupload' ? { fromSeq: 120 } : {},
      state: s.status === 'online' ? 'succeeded' : 'expired',
      detail:
        s.status !== 'online'
          ? null
          : name === 'resyncRoster'
            ? `full roster version ${40 + i} applied: ${6 + (i % 4)} people`
            : name === 'reupload'
              ? `${20 + i * 3} events from seq 120 queued`
              : 'agent restarted',
      issuedBy: operator,
      issuedAt: iso(at),
      expiresAt: iso(at + 3_600_000),
      acceptedAt: s.status === 'online' ? iso(at + 800) : null,
      finishedAt: iso(s.status === 'online' ? at + 3000 : at + 3_600_000),
      sends: s.status === 'online' ? 1 : 120,
    })
  }

  const targeted = (target: ControlTarget): string[] =>
    'station' in target
      ? [target.station]
      : 'town' in target
        ? stations()
            .filter((s) => s.townCode === target.town)
            .map((s) => s.id)
        : stations().map((s) => s.id)

  /** The fake kiosk's answer to a push, a moment later. */
  const report = (id: string) => {
    const c = configs.get(id)
    if (!c?.desired || !online(id)) return
    const devices = (c.desired.settings.devices ?? []) as { port?: string }[]
    const missing = devices.findIndex((d) => !PORTS.includes(d.port ?? ''))
    c.reportedAt = iso(Date.now())
    if (missing >= 0) {
      c.state = 'rejected'
      c.problems = [
        {
          path: `/devices/${missing}/port`,
          message: `no serial device ${devices[missing]?.port} on this kiosk`,
        },
      ]
    } else {
      c.state = 'applied'
      c.applied = c.desired.version
      c.problems = []
    }
  }

  return {
    get(path: string): FakeAnswer | null {
      if (path === '/api/config') {
        const rows: StationConfigView[] = stations().map((s) => {
          const c = configs.get(s.id)
          return {
            stationId: s.id,
            stationName: s.name,
            townCode: s.townCode,
            state: c?.state ?? 'none',
            desired: c?.desired ?? null,
            appliedVersion: c?.applied ?? 0,
            problems: c?.problems ?? [],
            reported: c?.reportedAt
              ? {
                  desiredVersion: c.desired?.version ?? null,
                  appliedVersion: c.applied,
                  state: c.state === 'rejected' ? 'rejected' : 'applied',
                  at: c.reportedAt,
                  heartbeatVersion: c.applied,
                }
              : null,
          }
        })
        return { status: 200, body: { stations: rows } }
      }
      if (path === '/api/config/history') {
        // what was pushed here, and the standing versions of the seeded history
        const seen = new Set(log.map((v) => `${v.stationId}:${v.version}`))
        const standing = stations().flatMap((s) => {
          const d = configs.get(s.id)?.desired
          return d && !seen.has(`${s.id}:${d.version}`) ? [{ stationId: s.id, ...d }] : []
        })
        const versions = [...log, ...standing].sort((a, b) => b.issuedAt.localeCompare(a.issuedAt))
        return { status: 200, body: { versions } }
      }
      if (path === '/api/commands')
        return {
          status: 200,
          body: { commands: [...commands].sort((a, b) => b.issuedAt.localeCompare(a.issuedAt)) },
        }
      return null
    },
    put(body: { target: ControlTarget; settings: Record<string, unknown> }): FakeAnswer {
      const unknown = Object.keys(body.settings).filter((k) => !PUSHABLE.has(k))
      if (unknown.length > 0)
        return {
          status: 400,
          body: {
            error: 'badSettings',
            message: 'settings are not valid remote settings',
            problems: unknown.map((k) => ({
              path: `/${k}`,
              code: 'additionalProperties',
              message: 'not allowed',
            })),
          },
        }
      const pushed = targeted(body.target).map((id) => {
        const before = configs.get(id)
        const version = (before?.desired?.version ?? 0) + 1
        const desired = { version, issuedAt: iso(Date.now()), issuedBy: operator, settings: body.settings }
        log.push({ stationId: id, ...desired })
        configs.set(id, {
          desired,
          applied: before?.applied ?? 0,
          state: 'pending',
          problems: [],
          reportedAt: before?.reportedAt ?? null,
        })
        setTimeout(() => report(id), 1500 + rnd() * 3000)
        return { stationId: id, version }
      })
      return { status: 200, body: { pushed } }
    },
    post(body: { target: ControlTarget; name: CommandName; args?: Record<string, unknown> }): FakeAnswer {
      const at = Date.now()
      const issued = targeted(body.target).map((stationId, i) => {
        const c: CommandView = {
          commandId: `fake-${at}-${i}`,
          stationId,
          name: body.name,
          args: body.args ?? {},
          state: 'pending',
          detail: null,
          issuedBy: operator,
          issuedAt: iso(at),
          expiresAt: iso(at + 3_600_000),
          acceptedAt: null,
          finishedAt: null,
          sends: 1,
        }
        commands.push(c)
        if (online(stationId)) {
          setTimeout(() => Object.assign(c, { state: 'accepted', acceptedAt: iso(Date.now()) }), 800)
          setTimeout(
            () =>
              Object.assign(c, {
                state: body.name === 'rotateCredentials' ? 'rejected' : 'succeeded',
                finishedAt: iso(Date.now()),
                detail:
                  body.name === 'rotateCredentials'
                    ? 'rotateCredentials is not supported yet'
                    : body.name === 'resyncRoster'
                      ? 'full roster version 57 applied: 7 people'
                      : body.name === 'reupload'
                        ? `31 events from seq ${String(body.args?.fromSeq ?? 1)} queued`
                        : 'agent restarted',
              }),
            3000 + rnd() * 2000,
          )
        }
        return c
      })
      return { status: 201, body: { commands: issued } }
    },
  }
}
