import { CodedError, isStorageFailure } from '@ejia/platform'
import { checkBody, type Event, type EventType, type WireError } from '@ejia/protocol'
import { v7 as uuidv7 } from 'uuid'
import type { Clock } from '../ports/clock.js'
import type { Journal } from '../ports/journal.js'
import type { FaultBoard } from './faults.js'

export class RecordError extends CodedError<'invalidEvent' | 'storageFailed'> {
  readonly errors: WireError[]
  constructor(code: RecordError['code'], message: string, errors: WireError[] = [], cause?: unknown) {
    super(code, message, { cause })
    this.errors = errors
  }
}

export type RecordEvent = (type: EventType, body: unknown) => Promise<Event>

/**
 * Records an event: checks it against the protocol, gives it an id and the device time,
 * and returns only once the journal has it on disk. Only then may the kiosk say "done".
 */
export function createRecordEvent(deps: {
  journal: Journal
  clock: Clock
  faults: FaultBoard
  onRecorded: (event: Event) => void
}): RecordEvent {
  return async (type, body) => {
    const errors = checkBody(type, body)
    if (errors.length > 0) throw new RecordError('invalidEvent', `invalid ${type} event`, errors)
    let event: Event
    try {
      event = await deps.journal.append({
        id: uuidv7(),
        type,
        time: new Date(deps.clock.now()).toISOString(),
        body,
      })
    } catch (err) {
      if (isStorageFailure(err)) deps.faults.set('journal', 'storageFailed', (err as Error).message)
      throw new RecordError('storageFailed', 'the journal could not store the event', [], err)
    }
    deps.faults.clear('journal')
    deps.onRecorded(event)
    return event
  }
}
