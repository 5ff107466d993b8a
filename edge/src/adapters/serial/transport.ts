import { connect } from 'node:net'
import type { Duplex } from 'node:stream'
import { CodedError } from '@ejia/platform'
import { type OpenOptions, SerialPortStream } from '@serialport/stream'

/** A serialport binding (native, or @serialport/binding-mock in tests). */
export type SerialBinding = OpenOptions['binding']

export interface SerialSettings {
  baudRate: number
  dataBits: 7 | 8
  stopBits: 1 | 2
  parity: 'none' | 'even' | 'odd'
}

export class TransportError extends CodedError<'notFound' | 'openFailed' | 'badPort'> {}

/** Opens the byte stream of a device: a serial port, or a serial server at tcp://host:port. */
export type OpenTransport = (port: string, serial: SerialSettings) => Promise<Duplex>

/**
 * The real opener. The serial binding is injectable: tests pass @serialport/binding-mock;
 * the kiosk uses the native one, loaded only when a kiosk has serial devices.
 */
export function transportOpener(binding?: SerialBinding): OpenTransport {
  return async (port, serial) => {
    if (port.startsWith('tcp://')) return openTcp(port)
    const b = binding ?? (await import('@serialport/bindings-cpp')).autoDetect()
    const stream = new SerialPortStream({ binding: b, path: port, ...serial, autoOpen: false })
    await new Promise<void>((resolve, reject) =>
      stream.open((err) => {
        if (!err) return resolve()
        const missing = /No such file|ENOENT|not found/i.test(err.message)
        reject(
          new TransportError(missing ? 'notFound' : 'openFailed', `${port}: ${err.message}`, { cause: err }),
        )
      }),
    )
    return stream
  }
}

function openTcp(url: string): Promise<Duplex> {
  const { hostname, port } = new URL(url)
  if (!port) return Promise.reject(new TransportError('badPort', `${url} has no port`))
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) })
    socket.once('connect', () => {
      socket.setNoDelay(true)
      socket.off('error', reject)
      resolve(socket)
    })
    socket.once('error', (err) =>
      reject(new TransportError('openFailed', `${url}: ${err.message}`, { cause: err })),
    )
  })
}
