export { seededRandom } from '@ejia/platform'

/** FNV-1a of a string, as a seed. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** Picks from weighted choices. */
export function weighted<T>(rand: () => number, choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((n, [, w]) => n + w, 0)
  let r = rand() * total
  for (const [value, w] of choices) {
    r -= w
    if (r < 0) return value
  }
  return (choices.at(-1) as readonly [T, number])[0]
}

/** Seconds to the next arrival of a Poisson process with the given rate per second. */
export function exponentialDelayS(rand: () => number, ratePerS: number): number {
  return -Math.log(1 - rand()) / ratePerS
}
