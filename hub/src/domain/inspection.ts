import { seededRandom } from '@ejia/platform'

/**
 * The monthly random inspection sample: about `fraction` of the branches (at least one),
 * drawn by a seeded shuffle of the sorted station ids. The same seed and stations always
 * give the same sample, so anyone can check a recorded draw.
 */
export function drawInspectionSample(stationIds: readonly string[], seed: number, fraction = 0.1): string[] {
  const ids = [...stationIds].sort()
  if (ids.length === 0) return []
  const k = Math.max(1, Math.round(ids.length * fraction))
  const rand = seededRandom(seed)
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (ids.length - i))
    ;[ids[i], ids[j]] = [ids[j] as string, ids[i] as string]
  }
  return ids.slice(0, k).sort()
}
