import { CodedError } from '@ejia/platform'

export type SeedErrorCode =
  | 'unknownTown'
  | 'stationGap'
  | 'unknownStation'
  | 'stationOnline'
  | 'hubUnreachable'
  | 'hubRefused'
  | 'noAck'

/** Why seeding a hub stopped; the CLI prints the message and exits non-zero. */
export class SeedError extends CodedError<SeedErrorCode> {
  /** The hub's HTTP status, for `hubRefused`. */
  readonly status: number | undefined
  constructor(code: SeedErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(code, message, options)
    this.status = options?.status
  }
}
