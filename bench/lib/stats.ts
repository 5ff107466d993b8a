/** The p-quantile (0..1) of `xs`, by the nearest rank. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number
}

export const round = (n: number, d = 2): number => Math.round(n * 10 ** d) / 10 ** d

/** Which machine, for docs/PERFORMANCE.md. */
export async function machine(): Promise<Record<string, string | number>> {
  const os = await import('node:os')
  return {
    date: new Date().toISOString().slice(0, 10),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memGiB: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
  }
}
