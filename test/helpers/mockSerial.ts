import { createRequire } from 'node:module'
import { Duplex } from 'node:stream'
import type { SerialBinding } from '@ejia/edge/serial'
import type { SerialEndpoint } from '@ejia/simulators'

// @serialport/binding-mock ships types its package exports do not point to: type the few
// parts used here locally
interface MockPortBinding {
  isOpen: boolean
  emitData(data: Buffer): void
  write(buffer: Buffer): Promise<void>
}
interface MockBindingApi {
  createPort(path: string, opts: { echo: boolean; record: boolean }): void
  open(options: unknown): Promise<MockPortBinding>
  list(): Promise<unknown[]>
}
const { MockBinding } = createRequire(import.meta.url)('@serialport/binding-mock') as {
  MockBinding: MockBindingApi
}

let next = 0

/**
 * A simulated device on @serialport/binding-mock instead of a pty: the agent opens
 * `agentPort` through `binding`; the simulator's `device` stream is the other end. What the
 * simulator writes is emitted as received data; what the agent writes reaches the
 * simulator. No unplugging here: that is for the pty endpoint.
 */
export class MockEndpoint implements SerialEndpoint {
  readonly agentPort = `/dev/ttyMOCK${next++}`
  private port: MockPortBinding | undefined
  private side: Duplex | undefined
  private readonly listeners: ((d: Duplex) => void)[] = []

  constructor() {
    MockBinding.createPort(this.agentPort, { echo: false, record: false })
  }

  /** The binding the agent must open ports with. */
  readonly binding = {
    list: () => MockBinding.list(),
    open: async (options: unknown) => {
      const port = await MockBinding.open(options)
      this.port = port
      const side = new Duplex({
        read() {},
        write(chunk: Buffer, _enc, done) {
          port.emitData(chunk)
          done()
        },
      })
      this.side = side
      const write = port.write.bind(port)
      port.write = async (buffer: Buffer) => {
        await write(buffer)
        side.push(Buffer.from(buffer))
      }
      for (const l of this.listeners) l(side)
      return port
    },
  } as unknown as SerialBinding

  get device(): Duplex | undefined {
    return this.port?.isOpen ? this.side : undefined
  }

  onDevice(listener: (device: Duplex) => void): void {
    this.listeners.push(listener)
    if (this.side) listener(this.side)
  }

  async unplug(): Promise<void> {
    throw new Error('the mock endpoint cannot be unplugged; use a pty')
  }

  async replug(): Promise<void> {}

  async close(): Promise<void> {
    this.side?.destroy()
  }
}
