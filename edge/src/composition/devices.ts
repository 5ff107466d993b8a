import type { StationConfig } from '@ejia/firmware-config'
import { resolveDevices } from '@ejia/firmware-config'
import type { DutyRota, PlannedActivity } from '@ejia/protocol'
import type { Logger } from 'pino'
import { JsonRoster } from '../adapters/roster/jsonRoster.js'
import type { Agent } from '../app/agent.js'
import { CredentialSignIn } from '../app/credentialSignIn.js'
import { EnrolmentCheck, type InstalledAs } from '../app/enrolmentCheck.js'
import type { AttendanceDevice } from '../ports/attendanceDevice.js'
import type { Clock } from '../ports/clock.js'
import type { Journal } from '../ports/journal.js'
import type { Roster, RosterReplica } from '../ports/roster.js'

export interface Devices {
  devices: AttendanceDevice[]
  signIn: CredentialSignIn
  /** The enrolment sheet's QR code, scanned or pasted, checked against this kiosk's install. */
  enrolment: EnrolmentCheck
  /** The roster sign-in works from, and the station's rota and plans when synced from the hub. */
  roster(): Roster
  rotas(): readonly DutyRota[]
  plans(): readonly PlannedActivity[]
  stop(): Promise<void>
}

/**
 * The roster (the hub's, synced, or a file) and the serial readers a config names, each
 * read turned into a sign-in.
 * serialport is imported only on a kiosk that has devices. A roster that cannot be read
 * is a fault, and every credential reads as unknown until it is fixed: journalled, not lost.
 */
export async function startDevices(
  config: StationConfig,
  deps: {
    agent: Agent
    journal: Journal
    clock: Clock
    log: Logger
    /** What the kiosk was installed as, for the enrolment sheet's code. */
    installed: InstalledAs
    replica?: RosterReplica
  },
): Promise<Devices> {
  const { agent, clock } = deps
  const log = deps.log.child({ name: 'edge:devices' })
  let roster: Roster = deps.replica ?? JsonRoster.empty()
  if (deps.replica) {
    log.info({ people: roster.size, version: deps.replica.syncedVersion }, 'roster synced from the hub')
  } else if (config.roster.file !== '') {
    try {
      roster = JsonRoster.load(config.roster.file)
      log.info({ people: roster.size, version: roster.version }, 'roster loaded')
    } catch (err) {
      agent.faults.set('roster', (err as { code?: string }).code ?? 'rosterInvalid', (err as Error).message)
      log.error({ err }, 'roster unusable; reads will be journalled as unknown')
    }
  }
  const signIn = new CredentialSignIn({
    roster: () => roster,
    ...(deps.replica ? { study: (id: string) => deps.replica?.study(id) } : {}),
    rotas: () => deps.replica?.rotas() ?? [],
    plans: () => deps.replica?.plans() ?? [],
    dutyDefaults: config.duty,
    record: agent.record,
    journal: deps.journal,
    clock,
  })
  const enrolment = new EnrolmentCheck({
    installed: deps.installed,
    record: agent.record,
    faults: agent.faults,
  })
  const station = {
    roster: () => roster,
    rotas: () => deps.replica?.rotas() ?? [],
    plans: () => deps.replica?.plans() ?? [],
  }
  if (config.devices.length === 0) return { devices: [], signIn, enrolment, ...station, stop: async () => {} }

  const [{ createDevice }, { transportOpener }] = await Promise.all([
    import('../adapters/serial/devices.js'),
    import('../adapters/serial/transport.js'),
  ])
  const open = transportOpener()
  const { devices: resolved } = resolveDevices(config.devices)
  const devices = resolved.map((d) =>
    createDevice(d, {
      open,
      clock,
      log,
      onFault: (name, f) =>
        f ? agent.faults.set(`serial:${name}`, f.code, f.message) : agent.faults.clear(`serial:${name}`),
    }),
  )
  for (const device of devices) {
    await device.start((read) => {
      // the sheet's code is answered whatever the mode, and never signs anyone in
      const handled = enrolment.claims(read)
        ? enrolment.check(read.credential, device.name)
        : signIn.handle(device.name, read)
      handled.catch((err: unknown) => {
        // the journal refused it (disk full): the person is told, the fault is raised
        log.error({ err, device: device.name }, 'read not recorded')
      })
    })
  }
  return {
    devices,
    signIn,
    enrolment,
    ...station,
    stop: async () => {
      await Promise.all(devices.map((d) => d.stop()))
    },
  }
}
