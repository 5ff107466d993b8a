import { verifyPin } from '@ejia/platform'
import type { Clock } from '../ports/clock.js'
import type { Roster } from '../ports/roster.js'

/** Wrong PINs in a row before a person's PIN is locked, and for how long, as terminals do. */
export const PIN_MAX_TRIES = 5
export const PIN_LOCK_MS = 5 * 60_000

/**
 * Checks a person's PIN against the roster's hash, offline, and locks a person's PIN after
 * PIN_MAX_TRIES wrong tries in a row for PIN_LOCK_MS, so a PIN cannot be guessed at the
 * keypad. Locks are per person and kept in memory: a restart forgives, as on terminals.
 */
export class PinGuard {
  private readonly tries = new Map<string, { failed: number; lockedUntil: number }>()

  constructor(private readonly deps: { roster: () => Roster; clock: Clock }) {}

  async check(personId: string, pin: string): Promise<'ok' | 'badPin' | 'pinLocked'> {
    const now = this.deps.clock.now()
    if ((this.tries.get(personId)?.lockedUntil ?? 0) > now) return 'pinLocked'
    const hash = this.deps.roster().person(personId)?.pinHash
    if (hash !== undefined && (await verifyPin(pin, hash))) {
      this.tries.delete(personId)
      return 'ok'
    }
    const failed = (this.tries.get(personId)?.failed ?? 0) + 1
    const locked = failed >= PIN_MAX_TRIES
    this.tries.set(personId, { failed: locked ? 0 : failed, lockedUntil: locked ? now + PIN_LOCK_MS : 0 })
    return locked ? 'pinLocked' : 'badPin'
  }
}
