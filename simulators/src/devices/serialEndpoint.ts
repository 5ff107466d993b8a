import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { setTimeout as delay } from 'node:timers/promises'
import { SerialPort } from 'serialport'

/**
 * Where a simulated device is plugged in. The agent opens `agentPort` with its real
 * serial (or TCP) stack; the simulator talks through `device`. `unplug` and `replug` do
 * what a cadre yanking the USB cable does.
 */
export interface SerialEndpoint {
  readonly agentPort: string
  /** The device side of the line, while plugged in. */
  readonly device: Duplex | undefined
  onDevice(listener: (device: Duplex) => void): void
  unplug(): Promise<void>
  replug(): Promise<void>
  close(): Promise<void>
}

/**
 * A real pseudo-terminal pair made by socat: the agent's end is a symlink like
 * /tmp/ejia-sim-…/agent, as a USB serial adapter would be /dev/ttyUSB0. Unplugging kills
 * socat, so the agent's end disappears mid-stream exactly as a pulled adapter does.
 */
export class PtyEndpoint implements SerialEndpoint {
  readonly agentPort: string
  private readonly devicePath: string
  private socat: ChildProcess | undefined
  private port: SerialPort | undefined
  private readonly listeners: ((d: Duplex) => void)[] = []

  private constructor(dir: string) {
    this.agentPort = join(dir, 'agent')
    this.devicePath = join(dir, 'device')
  }

  static async create(dir = mkdtempSync(join(tmpdir(), 'ejia-sim-'))): Promise<PtyEndpoint> {
    const e = new PtyEndpoint(dir)
    await e.replug()
    return e
  }

  get device(): Duplex | undefined {
    return this.port
  }

  onDevice(listener: (device: Duplex) => void): void {
    this.listeners.push(listener)
    if (this.port) listener(this.port)
  }

  async replug(): Promise<void> {
    if (this.socat) return
    const socat = spawn(
      'socat',
      [`pty,raw,echo=0,link=${this.agentPort}`, `pty,raw,echo=0,link=${this.devicePath}`],
      {
        stdio: 'ignore',
      },
    )
    this.socat = socat
    for (let i = 0; i < 100 && !(existsSync(this.agentPort) && existsSync(this.devicePath)); i++)
      await delay(20)
    if (!existsSync(this.devicePath)) throw new Error('socat did not make the pty pair (is socat installed?)')
    const port = new SerialPort({ path: this.devicePath, baudRate: 9600, autoOpen: false })
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())))
    port.on('error', () => undefined) // the line going away is expected here
    this.port = port
    for (const l of this.listeners) l(port)
  }

  async unplug(): Promise<void> {
    const socat = this.socat
    this.socat = undefined
    this.port?.destroy()
    this.port = undefined
    if (socat && socat.exitCode === null) {
      const gone = new Promise((r) => socat.once('exit', r))
      socat.kill('SIGKILL')
      await gone
    }
  }

  async close(): Promise<void> {
    await this.unplug()
  }
}

/** A serial server on TCP (as a networked RS232 adapter would offer): tcp://127.0.0.1:<port>. */
export class TcpEndpoint implements SerialEndpoint {
  private server: Server | undefined
  private socket: Socket | undefined
  private readonly listeners: ((d: Duplex) => void)[] = []
  private portNumber = 0

  static async create(port = 0): Promise<TcpEndpoint> {
    const e = new TcpEndpoint()
    e.portNumber = port
    await e.replug()
    return e
  }

  get agentPort(): string {
    return `tcp://127.0.0.1:${this.portNumber}`
  }

  get device(): Duplex | undefined {
    return this.socket
  }

  onDevice(listener: (device: Duplex) => void): void {
    this.listeners.push(listener)
    if (this.socket) listener(this.socket)
  }

  async replug(): Promise<void> {
    if (this.server) return
    const server = createServer((socket) => {
      this.socket?.destroy()
      this.socket = socket
      socket.on('error', () => undefined)
      for (const l of this.listeners) l(socket)
    })
    await new Promise<void>((resolve) => server.listen(this.portNumber, '127.0.0.1', resolve))
    this.portNumber = (server.address() as { port: number }).port
    this.server = server
  }

  async unplug(): Promise<void> {
    this.socket?.destroy()
    this.socket = undefined
    const server = this.server
    this.server = undefined
    if (server) await new Promise((r) => server.close(r))
  }

  async close(): Promise<void> {
    await this.unplug()
  }
}
