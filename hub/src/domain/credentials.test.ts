import { describe, expect, it } from 'vitest'
import { credentialClashes } from './credentials.js'

const person = (
  personId: string,
  over: Partial<Parameters<typeof credentialClashes>[0] extends Iterable<infer P> ? P : never> = {},
) => ({
  personId,
  stationId: '339901001001',
  cards: [],
  qrTokens: [],
  fingerprints: [],
  ...over,
})

describe('credentialClashes', () => {
  it('finds a card on two people, whatever its case', () => {
    expect(
      credentialClashes([person('p1', { cards: ['00AB12CD34'] }), person('p2', { cards: ['00ab12cd34'] })]),
    ).toEqual(['card 00AB12CD34 at station 339901001001 belongs to both p1 and p2'])
  })

  it('lets the same fingerprint page id live at two stations, not twice at one', () => {
    expect(
      credentialClashes([
        person('p1', { fingerprints: [3] }),
        person('p2', { fingerprints: [3], stationId: '339901001002' }),
      ]),
    ).toEqual([])
    expect(
      credentialClashes([person('p1', { fingerprints: [3] }), person('p2', { fingerprints: [3] })]),
    ).toHaveLength(1)
  })

  it('does not count a person twice against themselves', () => {
    expect(credentialClashes([person('p1', { qrTokens: ['tok-12345', 'tok-12345'] })])).toEqual([])
  })
})
