/** The credentials of one person, as far as telling people apart at a kiosk goes. */
export interface Credentialed {
  personId: string
  stationId: string
  cards: readonly string[]
  qrTokens: readonly string[]
  fingerprints: readonly number[]
}

/**
 * Credentials that would belong to two people at one station. A card on two people signs in
 * the wrong one, so the hub refuses such a roster rather than let the kiosk guess. Card
 * numbers compare without case, as readers differ; fingerprint ids are per module, so per
 * station. Returns one plain sentence per clash, empty when the roster is sound.
 */
export function credentialClashes(people: Iterable<Credentialed>): string[] {
  const owners = new Map<string, string>()
  const clashes: string[] = []
  for (const p of people) {
    const keys = [
      ...p.cards.map((c) => `card ${c.toUpperCase()}`),
      ...p.qrTokens.map((t) => `QR token ${t}`),
      ...p.fingerprints.map((f) => `fingerprint ${f}`),
    ]
    for (const key of new Set(keys)) {
      const scoped = `${p.stationId} ${key}`
      const other = owners.get(scoped)
      if (other === undefined) owners.set(scoped, p.personId)
      else if (other !== p.personId)
        clashes.push(`${key} at station ${p.stationId} belongs to both ${other} and ${p.personId}`)
    }
  }
  return clashes
}
