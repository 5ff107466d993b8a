import type { CommandResult, CommitAck, ConfigState, EventBatch, Heartbeat } from '@ejia/protocol'
import { type Uplink, UplinkError, type UplinkHandlers } from '../../ports/uplink.js'

/** An uplink with the hub played by the test: it sees every batch and decides the acks. */
export class FakeUplink implements Uplink {
  connected = false
  readonly batches: EventBatch[] = []
  readonly heartbeats: Heartbeat[] = []
  readonly configStates: ConfigState[] = []
  readonly commandResults: CommandResult[] = []
  private handlers: UplinkHandlers | undefined

  start(handlers: UplinkHandlers): void {
    this.handlers = handlers
  }

  connect(): void {
    this.connected = true
    this.handlers?.onConnect()
  }

  disconnect(): void {
    this.connected = false
    this.handlers?.onDisconnect('test')
  }

  ack(ack: Partial<CommitAck>): void {
    this.handlers?.onAck({
      committedAt: new Date().toISOString(),
      accepted: [],
      duplicate: [],
      rejected: [],
      ...ack,
    })
  }

  /** Acknowledges every event of every batch seen so far, as accepted. */
  ackAll(): void {
    this.ack({ accepted: this.batches.flatMap((b) => b.events.map((e) => e.id)) })
  }

  async publishEvents(batch: EventBatch): Promise<void> {
    if (!this.connected) throw new UplinkError('notConnected', 'not connected')
    this.batches.push(structuredClone(batch))
  }

  async publishHeartbeat(heartbeat: Heartbeat): Promise<void> {
    if (!this.connected) throw new UplinkError('notConnected', 'not connected')
    this.heartbeats.push(heartbeat)
  }

  async publishConfigState(state: ConfigState): Promise<void> {
    if (!this.connected) throw new UplinkError('notConnected', 'not connected')
    this.configStates.push(state)
  }

  async publishCommandResult(result: CommandResult): Promise<void> {
    if (!this.connected) throw new UplinkError('notConnected', 'not connected')
    this.commandResults.push(result)
  }

  async close(): Promise<void> {
    this.connected = false
  }
}
