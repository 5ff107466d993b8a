const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `90s`, `30m`, `6h`, `1d` in milliseconds; throws RangeError with the flag's name otherwise. */
export function parseInterval(name: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim())
  const ms = m ? Number(m[1]) * (UNITS[m[2] as string] as number) : Number.NaN
  if (!(ms >= 1000)) throw new RangeError(`--${name} ${value}: give a duration such as 90s, 30m, 6h or 1d`)
  return ms
}

export function parseCount(name: string, value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`--${name} ${value}: give a whole number of 1 or more`)
  return n
}
