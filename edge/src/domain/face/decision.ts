import type { SearchResult } from './gallery.js'

/**
 * Security levels as access terminals offer them (1 = convenient … 5 = strict). Each sets
 * the cosine a match must reach and the lead it needs over the next person. Calibrated on
 * the bundled models (docs/FACE.md): genuine pairs score 0.4–0.9, different people below
 * about 0.3.
 */
export const SECURITY_LEVELS = {
  1: { threshold: 0.3, margin: 0.04 },
  2: { threshold: 0.34, margin: 0.05 },
  3: { threshold: 0.38, margin: 0.06 },
  4: { threshold: 0.42, margin: 0.08 },
  5: { threshold: 0.46, margin: 0.1 },
} as const

export type SecurityLevel = keyof typeof SECURITY_LEVELS

export function isSecurityLevel(n: number): n is SecurityLevel {
  return Object.hasOwn(SECURITY_LEVELS, n)
}

export function toSecurityLevel(n: number): SecurityLevel {
  if (!isSecurityLevel(n)) throw new RangeError(`security level must be 1 to 5, not ${n}`)
  return n
}

export type MatchDecision =
  | { kind: 'match'; personId: string; score: number; margin: number }
  | { kind: 'stranger'; reason: 'empty' | 'belowThreshold' | 'ambiguous'; bestScore: number }

/** One frame's verdict: best match above the threshold and clearly ahead of the runner-up. */
export function decide(result: SearchResult, level: SecurityLevel): MatchDecision {
  const { threshold, margin } = SECURITY_LEVELS[level]
  const { best, second } = result
  if (!best) return { kind: 'stranger', reason: 'empty', bestScore: 0 }
  if (best.score < threshold) return { kind: 'stranger', reason: 'belowThreshold', bestScore: best.score }
  // with one person enrolled, the margin is measured against the threshold itself
  const lead = best.score - Math.max(second?.score ?? Number.NEGATIVE_INFINITY, threshold - margin)
  if (lead < margin) return { kind: 'stranger', reason: 'ambiguous', bestScore: best.score }
  return { kind: 'match', personId: best.personId, score: best.score, margin: lead }
}

/**
 * Multi-frame voting: a person is accepted after `needed` consecutive frames that match
 * the same person. A stranger frame or a different person starts the count again.
 */
export class MatchVoter {
  private personId: string | undefined
  private streak: { score: number; margin: number }[] = []

  constructor(readonly needed: number) {
    if (needed < 1) throw new RangeError('voting needs at least one frame')
  }

  /** Adds a frame; returns the accepted match once enough frames agree. */
  add(d: MatchDecision): { personId: string; score: number; margin: number; frames: number } | undefined {
    if (d.kind !== 'match') {
      this.reset()
      return undefined
    }
    if (d.personId !== this.personId) {
      this.personId = d.personId
      this.streak = []
    }
    this.streak.push({ score: d.score, margin: d.margin })
    if (this.streak.length < this.needed) return undefined
    const n = this.streak.length
    return {
      personId: d.personId,
      // the weakest frame speaks for the decision: no averaging a bad frame away
      score: Math.min(...this.streak.map((s) => s.score)),
      margin: Math.min(...this.streak.map((s) => s.margin)),
      frames: n,
    }
  }

  progress(): { personId: string | undefined; frames: number } {
    return { personId: this.personId, frames: this.streak.length }
  }

  reset(): void {
    this.personId = undefined
    this.streak = []
  }
}
