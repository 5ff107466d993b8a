import { systemClock } from '@ejia/edge'
import {
  type AttendanceDevice,
  type CredentialRead,
  createDevice,
  type FingerprintReader,
  GM65_TRIGGER,
  type OpenTransport,
  type StreamReader,
  transportOpener,
} from '@ejia/edge/serial'
import { resolveDevices } from '@ejia/firmware-config'
import {
  Em4100Sim,
  Gm65Sim,
  PtyEndpoint,
  R307Sim,
  type SerialEndpoint,
  sendBytes,
  TcpEndpoint,
  WiegandSim,
} from '@ejia/simulators'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { GOLDEN } from '../../edge/src/adapters/serial/golden.fixture.js'
import { MockEndpoint } from '../helpers/mockSerial.js'
import { until } from '../helpers/wait.js'

/**
 * The driver contract, run three times: over @serialport/binding-mock, over a real
 * pseudo-terminal pair (socat), and over a TCP serial server, with the device simulators
 * speaking the exact bytes.
 */
const lines: Record<string, () => Promise<{ endpoint: SerialEndpoint; open: OpenTransport }>> = {
  'binding-mock': async () => {
    const endpoint = new MockEndpoint()
    return { endpoint, open: transportOpener(endpoint.binding) }
  },
  pty: async () => ({ endpoint: await PtyEndpoint.create(), open: transportOpener() }),
  tcp: async () => ({ endpoint: await TcpEndpoint.create(), open: transportOpener() }),
}

const log = pino({ level: 'silent' })

describe.each(Object.keys(lines))('serial devices over %s', (line) => {
  let cleanup: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c()
    cleanup = []
  })

  /** A device on a fresh line; `attach` puts the simulator on the line before the agent opens it. */
  async function rig<S>(profile: string, options: Record<string, unknown>, attach: (e: SerialEndpoint) => S) {
    const make = lines[line] as () => Promise<{ endpoint: SerialEndpoint; open: OpenTransport }>
    const { endpoint, open } = await make()
    const sim = attach(endpoint)
    const { devices, problems } = resolveDevices([
      { name: 'dev', profile, port: endpoint.agentPort, options },
    ])
    expect(problems).toEqual([])
    const faults: (string | undefined)[] = []
    const device = createDevice(devices[0]!, {
      open,
      clock: systemClock,
      log,
      onFault: (_d, f) => faults.push(f?.code),
    })
    const reads: CredentialRead[] = []
    await device.start((r) => reads.push(r))
    cleanup.push(
      () => device.stop(),
      () => endpoint.close(),
    )
    await until('the device to connect', async () => (device.fault() === undefined ? true : undefined))
    return { sim, device, reads, faults }
  }

  it('reads the golden bytes of the documentation, as the line delivers them', async () => {
    const rdm = await rig('rdm6300', {}, (e) => e)
    const w26 = await rig('wg-serial', {}, (e) => e)
    const qr = await rig('gm65', {}, (e) => e)
    sendBytes(rdm.sim, GOLDEN.rdm6300.bytes)
    sendBytes(w26.sim, GOLDEN.w26.bytes)
    sendBytes(qr.sim, GOLDEN.gm65.bytes)
    await until('three reads', async () =>
      rdm.reads.length && w26.reads.length && qr.reads.length ? true : undefined,
    )
    expect([rdm.reads[0]?.credential, w26.reads[0]?.credential, qr.reads[0]?.credential]).toEqual([
      '62E3086CED',
      '099,00999',
      '签到:act-25',
    ])
  })

  it('EM4100 (RDM6300): a held card is one read, bad frames are dropped and counted', async () => {
    const { sim, device, reads } = await rig('rdm6300', {}, (e) => new Em4100Sim(e))
    sim.garbage(30)
    sim.badChecksum('0013A8F2AB')
    expect(await sim.present('0013A8F2AB', 600)).toBeGreaterThan(3) // the reader repeats while held
    await until('the read', async () => (reads.length > 0 ? true : undefined))
    expect(reads.map((r) => [r.method, r.credential])).toEqual([['card', '0013A8F2AB']])
    expect(device.stats()).toMatchObject({ reads: 1, badChecksum: 1 })
    expect(device.stats().repeats).toBeGreaterThan(2)
  })

  it('EM4100: the 13-byte clone reads with a tolerant profile, and is refused by a strict one', async () => {
    const tolerant = await rig('rdm6300', { variant: 'auto', numberFormat: 'dec10' }, (e) => new Em4100Sim(e))
    tolerant.sim.clone('0013A8F2AB')
    await until('the read', async () => (tolerant.reads.length > 0 ? true : undefined))
    expect(tolerant.reads[0]?.credential).toBe('0329839275')
    const strict = await rig('rdm6300', {}, (e) => new Em4100Sim(e))
    strict.sim.clone('0013A8F2AB')
    await until('the drop', async () => ((strict.device.stats().wrongVariant ?? 0) > 0 ? true : undefined))
    expect(strict.reads).toEqual([])
  })

  it('Wiegand: facility 99, card 999 reads as 099,00999', async () => {
    const { sim, reads } = await rig('wg-serial', {}, (e) => new WiegandSim(e))
    sim.badChecksum(26, 99, 999)
    await sim.present(26, 99, 999, 300)
    await until('the read', async () => (reads.length > 0 ? true : undefined))
    expect(reads.map((r) => r.credential)).toEqual(['099,00999'])
  })

  it('GM65: Chinese text in continuous mode, and codes on command in trigger mode', async () => {
    const cont = await rig('gm65', {}, (e) => new Gm65Sim(e))
    cont.sim.show('签到:act-25')
    await until('the read', async () => (cont.reads.length > 0 ? true : undefined))
    expect(cont.reads[0]).toMatchObject({ method: 'qr', credential: '签到:act-25' })

    const trig = await rig(
      'gm65',
      { mode: 'trigger' },
      (e) => new Gm65Sim(e, { prefix: '', suffix: '', terminator: 'CR', mode: 'trigger' }),
    )
    trig.sim.show('EJ1-0123456789ABCDEF-0000')
    await new Promise((r) => setTimeout(r, 200))
    expect(trig.reads).toEqual([]) // nothing until the kiosk asks
    ;(trig.device as StreamReader<unknown>).send(GM65_TRIGGER)
    await until('the triggered read', async () => (trig.reads.length > 0 ? true : undefined))
    expect(trig.reads[0]?.credential).toBe('EJ1-0123456789ABCDEF-0000')
  })

  it('R307: enrols a finger in two captures, identifies it by page, and reports strangers', async () => {
    const { sim, device, reads } = await rig('r307', { pollMs: 50 }, (e) => new R307Sim(e))
    const fp = device as FingerprintReader
    const steps: string[] = []
    const enrolling = fp.enrol(7, (s) => {
      steps.push(s)
      if (s === 'placeFinger' || s === 'placeAgain') setTimeout(() => sim.placeFinger(42), 100)
      if (s === 'liftFinger') setTimeout(() => sim.liftFinger(), 100)
    })
    await enrolling
    sim.liftFinger()
    expect(steps).toEqual(['placeFinger', 'liftFinger', 'placeAgain', 'stored'])
    expect(sim.library.get(7)).toBe(42)

    sim.placeFinger(42)
    await until('the read', async () => (reads.length > 0 ? true : undefined))
    sim.liftFinger()
    await new Promise((r) => setTimeout(r, 300)) // a hand takes a moment: the reader waits for the lift
    sim.placeFinger(99) // not enrolled
    await until('the stranger', async () => (reads.length > 1 ? true : undefined))
    sim.liftFinger()
    expect(reads.map((r) => r.credential)).toEqual(['7', 'unmatched'])
    expect(device.stats()).toMatchObject({ reads: 1, unmatched: 1 })
  })
})

describe('R307 with a password', () => {
  it('reports a wrong module password as a fault, in words', async () => {
    const endpoint = await PtyEndpoint.create()
    const sim = new R307Sim(endpoint, { address: 0xffffffff, password: 1234, capacity: 300 })
    const { devices } = resolveDevices([
      { name: 'finger', profile: 'as608', port: endpoint.agentPort, options: { password: 9999 } },
    ])
    const device: AttendanceDevice = createDevice(devices[0]!, {
      open: transportOpener(),
      clock: systemClock,
      log,
      onFault: () => {},
    })
    await device.start(() => {})
    try {
      await until('the fault', async () => (device.fault()?.code === 'wrongPassword' ? true : undefined))
      expect(device.fault()?.message).toMatch(/password is wrong/)
      expect(sim.commands[0]).toBe(0x13)
    } finally {
      await device.stop()
      await endpoint.close()
    }
  })
})

describe('a reader unplugged and plugged back in', () => {
  it('reports the fault, reconnects with backoff, and reads again without a restart', async () => {
    const endpoint = await PtyEndpoint.create()
    const { devices } = resolveDevices([{ name: 'card', profile: 'rdm6300', port: endpoint.agentPort }])
    const faults: (string | undefined)[] = []
    const device = createDevice(devices[0]!, {
      open: transportOpener(),
      clock: systemClock,
      log,
      onFault: (_d, f) => faults.push(f?.code),
    })
    const reads: string[] = []
    await device.start((r) => reads.push(r.credential))
    const sim = new Em4100Sim(endpoint)
    try {
      await until('connected', async () => (device.fault() === undefined ? true : undefined))
      await sim.present('00000000AA', 200)
      await sim.cutMidFrame('00000000BB') // half a frame, then the cable comes out
      await until('the fault', async () => (device.fault() ? true : undefined))
      expect(['disconnected', 'unplugged']).toContain(device.fault()?.code)
      await new Promise((r) => setTimeout(r, 600))
      await endpoint.replug()
      await until('reconnected', async () => (device.fault() === undefined ? true : undefined), 15_000)
      await sim.present('00000000CC', 200)
      await until('the read after replug', async () => (reads.includes('00000000CC') ? true : undefined))
      expect(reads).toEqual(['00000000AA', '00000000CC'])
      expect(faults).toContain('unplugged')
    } finally {
      await device.stop()
      await endpoint.close()
    }
  })
})
