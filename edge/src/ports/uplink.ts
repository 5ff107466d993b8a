import { CodedError } from '@ejia/platform'
import type {
  Command,
  CommandResult,
  CommitAck,
  ConfigPush,
  ConfigState,
  EventBatch,
  Heartbeat,
  RosterUpdate,
} from '@ejia/protocol'

export interface UplinkHandlers {
  onConnect(): void
  onDisconnect(reason: string): void
  onAck(ack: CommitAck): void
  /** The link has a problem worth showing operators (refused login, bad ack); undefined clears it. */
  onFault(fault: { code: string; message: string } | undefined): void
  /** One part of a roster update from the hub. */
  onRoster?(update: RosterUpdate): void
  /** The hub's desired remote settings (retained: again on every connect). */
  onConfig?(push: ConfigPush): void
  /** A command from the hub. */
  onCommand?(command: Command): void
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
  /** Retained, QoS 1: what the kiosk made of the latest config push. */
  publishConfigState(state: ConfigState): Promise<void>
  /** QoS 1: an answer to a command. */
  publishCommandResult(result: CommandResult): Promise<void>
  /** Announces a clean shutdown (retained status) and disconnects. */
  close(): Promise<void>
}

export class UplinkError extends CodedError<'notConnected' | 'publishFailed'> {}
