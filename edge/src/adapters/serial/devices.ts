import type { ResolvedDevice } from '@ejia/firmware-config'
import type { Logger } from 'pino'
import { type CardFormat, formatEm4100, formatFacilityCard } from '../../domain/credentials/cardNumber.js'
import type { AttendanceDevice, DeviceFault } from '../../ports/attendanceDevice.js'
import type { Clock } from '../../ports/clock.js'
import { DeviceLink } from './deviceLink.js'
import { type Em4100Frame, Em4100Parser } from './em4100.js'
import { FingerprintReader } from './fingerprintReader.js'
import { Gm65Parser, type QrFrame } from './gm65.js'
import { StreamReader } from './streamReader.js'
import type { OpenTransport } from './transport.js'
import { type WiegandFrame, WiegandParser } from './wiegand.js'

export interface DeviceDeps {
  open: OpenTransport
  clock: Clock
  log: Logger
  onFault: (device: string, fault: DeviceFault | undefined) => void
}

/** Builds the driver a device's hardware profile names, on a link that keeps its port open. */
export function createDevice(d: ResolvedDevice, deps: DeviceDeps): AttendanceDevice {
  const log = deps.log.child({ device: d.name })
  const link = new DeviceLink({
    port: d.port,
    serial: d.profile.serial,
    open: deps.open,
    log,
    onFault: (f) => deps.onFault(d.name, f),
  })
  const p = d.profile
  switch (p.driver) {
    case 'em4100':
      return new StreamReader<Em4100Frame>(
        d.name,
        {
          kind: 'card',
          parser: new Em4100Parser(p.options.variant),
          credential: (f) => formatEm4100(f.card, p.options.numberFormat),
          debounceMs: p.options.debounceMs,
        },
        link,
        deps.clock,
      )
    case 'wiegand':
      return new StreamReader<WiegandFrame>(
        d.name,
        {
          kind: 'card',
          parser: new WiegandParser(),
          credential: (f) => formatWiegand(f, p.options.numberFormat),
          debounceMs: p.options.debounceMs,
        },
        link,
        deps.clock,
      )
    case 'gm65':
      return new StreamReader<QrFrame>(
        d.name,
        {
          kind: 'qr',
          parser: new Gm65Parser(p.options),
          credential: (f) => f.text,
          debounceMs: p.options.debounceMs,
        },
        link,
        deps.clock,
      )
    case 'r307':
      return new FingerprintReader(d.name, p.options, link, deps.clock, log)
  }
}

export function formatWiegand(f: WiegandFrame, format: CardFormat): string {
  switch (format) {
    case 'w26':
      return formatFacilityCard(f.facility, f.card, f.bits === 26 ? 3 : 5)
    case 'dec10':
      return String(f.data).padStart(10, '0')
    case 'hex10':
      return f.data.toString(16).toUpperCase().padStart(10, '0')
  }
}
