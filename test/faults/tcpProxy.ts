import { createConnection, createServer, type Server, type Socket } from 'node:net'

/** What the link between kiosk and hub did, for the scenario's figures. */
export interface ProxyStats {
  /** Connections passed through to the hub. */
  accepted: number
  /** Connections reset at once while the link refused new ones. */
  refused: number
  /** Connections cut (reset) by `cut()`, a flap or a partition. */
  cut: number
  bytesUp: number
  bytesDown: number
}

/** One direction of a connection: chunks held for the latency, then written in order. */
class Lane {
  private readonly queue: { at: number; chunk: Buffer }[] = []
  private timer: NodeJS.Timeout | undefined
  private lastAt = 0

  constructor(
    private readonly to: Socket,
    private readonly link: TcpFaultProxy,
  ) {}

  push(chunk: Buffer): void {
    // never before the chunk ahead of it: a latency lowered mid-stream keeps the order
    this.lastAt = Math.max(this.lastAt, Date.now() + this.link.delayMs())
    this.queue.push({ at: this.lastAt, chunk })
    this.pump()
  }

  pump(): void {
    if (this.timer || this.to.destroyed) return
    while (!this.link.stalled) {
      const next = this.queue[0]
      if (!next) return
      const wait = next.at - Date.now()
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined
          this.pump()
        }, wait)
        return
      }
      this.queue.shift()
      this.to.write(next.chunk)
    }
  }

  drop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.queue.length = 0
  }
}

interface Pair {
  client: Socket
  upstream: Socket
  lanes: Lane[]
}

/**
 * A TCP proxy in the test process between a kiosk and the hub's broker, on an ephemeral
 * port, that misbehaves on command: cut every connection (a partition: the kiosk sees a
 * reset), refuse new ones (the hub unreachable), add latency with jitter, stall (the link
 * drops packets and TCP retransmits: nothing moves, nothing breaks), and flap (cut and
 * refuse at intervals). Point the kiosk at `url`.
 */
export class TcpFaultProxy {
  readonly stats: ProxyStats = { accepted: 0, refused: 0, cut: 0, bytesUp: 0, bytesDown: 0 }
  /** Sees every chunk the kiosk sends, as it passes: for tests of what leaves the kiosk. */
  onUpstream: ((chunk: Buffer, connection: number) => void) | undefined
  private readonly pairs = new Set<Pair>()
  private refusing = false
  private latencyMs = 0
  private jitterMs = 0
  private stalling = false
  private flapTimer: NodeJS.Timeout | undefined

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly target: { host: string; port: number },
    private readonly rand: () => number,
  ) {
    server.on('connection', (client) => this.accept(client))
  }

  /** Listens on 127.0.0.1, on a port of the system's choosing. */
  static async start(
    target: { host: string; port: number },
    rand: () => number = Math.random,
  ): Promise<TcpFaultProxy> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    const address = server.address()
    if (typeof address !== 'object' || !address) throw new Error('proxy has no address')
    return new TcpFaultProxy(server, address.port, target, rand)
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`
  }

  get stalled(): boolean {
    return this.stalling
  }

  /** Open connections through the proxy now. */
  get open(): number {
    return this.pairs.size
  }

  /** This chunk's delay: the latency plus up to the jitter. */
  delayMs(): number {
    return this.latencyMs + (this.jitterMs > 0 ? Math.floor(this.rand() * this.jitterMs) : 0)
  }

  latency(ms: number, jitterMs = 0): void {
    this.latencyMs = ms
    this.jitterMs = jitterMs
  }

  /** Resets every open connection, both ends; returns how many. */
  cut(): number {
    const n = this.pairs.size
    for (const p of [...this.pairs]) this.closePair(p, true)
    this.stats.cut += n
    return n
  }

  /** While on, a new connection is reset as soon as it is accepted. */
  refuse(on: boolean): void {
    this.refusing = on
  }

  /** A partition: every connection cut, new ones refused, until `heal()`. */
  partition(): number {
    this.refuse(true)
    return this.cut()
  }

  heal(): void {
    this.stopFlapping()
    this.refuse(false)
    this.stall(false)
    this.latency(0)
  }

  /** While on, nothing moves either way; what was sent waits, and goes on when it ends. */
  stall(on: boolean): void {
    this.stalling = on
    if (!on) for (const p of this.pairs) for (const lane of p.lanes) lane.pump()
  }

  /**
   * A flapping link: up for `upMs`, then partitioned for `downMs` (each ± half, seeded),
   * over and over until `heal()` or `stopFlapping()`. Calls `onFlap` at each cut.
   */
  flap(upMs: number, downMs: number, onFlap?: () => void): void {
    this.stopFlapping()
    const vary = (ms: number) => Math.round(ms * (0.5 + this.rand()))
    const down = () => {
      this.partition()
      onFlap?.()
      this.flapTimer = setTimeout(up, vary(downMs))
    }
    const up = () => {
      this.refuse(false)
      this.flapTimer = setTimeout(down, vary(upMs))
    }
    up()
  }

  stopFlapping(): void {
    if (this.flapTimer) clearTimeout(this.flapTimer)
    this.flapTimer = undefined
    this.refuse(false)
  }

  async close(): Promise<void> {
    this.stopFlapping()
    this.cut()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      this.stats.refused++
      client.resetAndDestroy()
      return
    }
    this.stats.accepted++
    client.setNoDelay(true)
    const upstream = createConnection({ ...this.target, noDelay: true })
    const up = new Lane(upstream, this)
    const down = new Lane(client, this)
    const pair: Pair = { client, upstream, lanes: [up, down] }
    this.pairs.add(pair)
    const connection = this.stats.accepted
    client.on('data', (chunk: Buffer) => {
      this.stats.bytesUp += chunk.length
      this.onUpstream?.(chunk, connection)
      up.push(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      this.stats.bytesDown += chunk.length
      down.push(chunk)
    })
    // one end closing or failing closes the other, as a router would
    for (const s of [client, upstream]) {
      s.on('error', () => this.closePair(pair, true))
      s.on('close', () => this.closePair(pair, false))
    }
  }

  private closePair(pair: Pair, reset: boolean): void {
    if (!this.pairs.delete(pair)) return
    for (const lane of pair.lanes) lane.drop()
    for (const s of [pair.client, pair.upstream]) {
      if (s.destroyed) continue
      if (reset) s.resetAndDestroy()
      else s.end()
    }
  }
}
