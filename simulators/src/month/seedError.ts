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
export class SeedError extends CodedError<SeedErrorCode> {}
