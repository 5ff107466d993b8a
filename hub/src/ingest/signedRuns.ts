import type { KeyObject } from 'node:crypto'
import type { Event } from '@ejia/protocol'
import { verifyHash } from '@ejia/protocol/chain'
import type { HashedEvent } from './chainCheck.js'

/** An event as the station sent it, without the hash the hub computed. */
export function asReceived(e: Event | HashedEvent): Event {
  if (!('hash' in e)) return e
  const { hash: _, ...received } = e
  return received as Event
}

/** The events whose signatures hold: the last of each linked run, then each of a run that fails. */
export function verified(events: readonly HashedEvent[], key: KeyObject): HashedEvent[] {
  const sorted = [...events].sort((a, b) => a.seq - b.seq)
  const good: HashedEvent[] = []
  let run: HashedEvent[] = []
  const close = () => {
    const last = run.at(-1)
    if (last === undefined) return
    if (last.sig !== undefined && verifyHash(last.hash, last.sig, key)) good.push(...run)
    else for (const e of run) if (e.sig !== undefined && verifyHash(e.hash, e.sig, key)) good.push(e)
    run = []
  }
  for (const e of sorted) {
    const before = run.at(-1)
    if (before !== undefined && !(e.seq === before.seq + 1 && e.prev === before.hash)) close()
    run.push(e)
  }
  close()
  return good
}
