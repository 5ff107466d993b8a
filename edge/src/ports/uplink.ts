import { CodedError } from '@ejia/platform'
import type { CommitAck, EventBatch, Heartbeat, RosterUpdate } from '@ejia/protocol'

export interface UplinkHandlers {
  onConnect(): void
  onDisconnect(reason: string): void
  onAck(ack: CommitAck): void
  /** The link has a problem worth showing operators (refused login, bad ack); undefined clears it. */
  onFault(fault: { code: string; message: string } | undefined): void
  /** One part of a roster update from the hub. */
  onRoster?(update: RosterUpdate): void
}

/**
 * The link to the hub. It carries what the outbox hands it and nothing else: it keeps no
 * queue of its own, so an event is only ever safe once it is in the journal.
 */
export interface Uplink {
  readonly connected: boolean
  /** Starts connecting, and reconnecting after every loss, until `close`. */
  start(handlers: UplinkHandlers): void
  /** Rejects with UplinkError('notConnected') rather than queue while offline. */
  publishEvents(batch: EventBatch): Promise<void>
  publishHeartbeat(heartbeat: Heartbeat): Promise<void>
  /** Announces a clean shutdown (retained status) and disconnects. */
  close(): Promise<void>
}

export class UplinkError extends CodedError<'notConnected' | 'publishFailed'> {}
