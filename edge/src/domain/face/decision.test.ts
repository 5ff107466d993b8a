import { describe, expect, it } from 'vitest'
import { decide, MatchVoter } from './decision.js'

const hit = (personId: string, score: number) => ({ personId, score })

describe('decide', () => {
  it('matches above the threshold with a clear lead, and names the reason otherwise', () => {
    expect(decide({ best: hit('a', 0.7), second: hit('b', 0.2) }, 3)).toMatchObject({
      kind: 'match',
      personId: 'a',
    })
    expect(decide({ best: hit('a', 0.37), second: null }, 3)).toMatchObject({
      kind: 'stranger',
      reason: 'belowThreshold',
    })
    expect(decide({ best: hit('a', 0.6), second: hit('b', 0.57) }, 3)).toMatchObject({
      kind: 'stranger',
      reason: 'ambiguous',
    })
    expect(decide({ best: null, second: null }, 3)).toMatchObject({ kind: 'stranger', reason: 'empty' })
  })

  it('is stricter at higher levels', () => {
    const r = { best: hit('a', 0.44), second: hit('b', 0.1) }
    expect(decide(r, 3).kind).toBe('match')
    expect(decide(r, 5).kind).toBe('stranger')
  })
})

describe('MatchVoter', () => {
  const m = (personId: string, score = 0.7, margin = 0.3) => ({
    kind: 'match' as const,
    personId,
    score,
    margin,
  })
  const stranger = { kind: 'stranger' as const, reason: 'belowThreshold' as const, bestScore: 0.1 }

  it('accepts after N agreeing frames, reporting the weakest of them', () => {
    const v = new MatchVoter(3)
    expect(v.add(m('a', 0.8))).toBeUndefined()
    expect(v.add(m('a', 0.6, 0.2))).toBeUndefined()
    expect(v.add(m('a', 0.9))).toEqual({ personId: 'a', score: 0.6, margin: 0.2, frames: 3 })
  })

  it('starts over on a stranger frame or another person', () => {
    const v = new MatchVoter(2)
    v.add(m('a'))
    v.add(stranger)
    expect(v.add(m('a'))).toBeUndefined()
    v.add(m('b'))
    expect(v.progress()).toEqual({ personId: 'b', frames: 1 })
  })
})
