import fc from 'fast-check'

/**
 * The fuzz harness: every target is a fast-check property run from one seed, so a failure
 * replays exactly. CI runs the small counts written next to each target; a longer hunt
 * sets them all at once:
 *
 *   EJIA_FUZZ_RUNS=20000 EJIA_FUZZ_SEED=7 npm run fuzz
 *
 * The default seed is the one of edge/src/adapters/serial/parsers.fuzz.test.ts.
 */
export const FUZZ_SEED = intFromEnv('EJIA_FUZZ_SEED') ?? 20261127
const RUNS = intFromEnv('EJIA_FUZZ_RUNS')
/** A test's time limit: CI's counts fit in a minute; a longer hunt has an hour a test. */
export const FUZZ_TEST_TIMEOUT_MS = RUNS === undefined ? 60_000 : 3_600_000

function intFromEnv(name: string): number | undefined {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isSafeInteger(n)) throw new Error(`${name}=${raw} is not a whole number`)
  return n
}

/** The figures of one target, printed as one JSON line by `report.print()`. */
export interface TargetFigures {
  target: string
  seed: number
  runs: number
  /** Counterexamples found: fast-check stops at the first one and shrinks it, so 0 or 1. */
  failures: number
  /** Peak resident set size during the run, above what it was at the start. */
  maxRssGrowthMiB: number
  ms: number
}

export interface FuzzOptions {
  /** Cases in CI; EJIA_FUZZ_RUNS replaces it. */
  runs: number
  /** A cap even EJIA_FUZZ_RUNS keeps to, for targets whose cases barely differ. */
  maxRuns?: number
  /** A case that takes longer fails as a hang (async work only: a busy loop cannot be cut). */
  caseTimeoutMs?: number
  /** The run fails when the peak RSS grows more than this above the start. */
  maxRssGrowthMiB?: number
}

const MiB = 1024 * 1024

/** One per test file: runs the targets and keeps their figures. */
export class FuzzReport {
  readonly figures: TargetFigures[] = []

  /**
   * Runs one property. Fails with fast-check's report (seed, path, counterexample) and the
   * command that replays it; a run over its RSS bound fails too.
   */
  async run<Ts extends [unknown, ...unknown[]]>(
    target: string,
    arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
    predicate: (...args: Ts) => unknown,
    opts: FuzzOptions,
  ): Promise<TargetFigures> {
    const runs = Math.min(RUNS ?? opts.runs, opts.maxRuns ?? Number.POSITIVE_INFINITY)
    // spread, so a target takes as many arbitraries as it likes
    const property = (fc.asyncProperty as unknown as (...args: unknown[]) => fc.IAsyncProperty<Ts>)(
      ...arbitraries,
      async (...args: Ts) => {
        await predicate(...args)
      },
    )
    const rss = new RssPeak()
    const started = performance.now()
    let details: fc.RunDetails<Ts>
    try {
      details = await fc.check(property, {
        seed: FUZZ_SEED,
        numRuns: runs,
        plugins: opts.caseTimeoutMs ? [fc.timeout(opts.caseTimeoutMs)] : [],
      } as fc.Parameters<Ts>)
    } finally {
      rss.stop()
    }
    const growth = rss.growthMiB()
    const figures: TargetFigures = {
      target,
      seed: FUZZ_SEED,
      runs: details.numRuns,
      failures: details.failed ? 1 : 0,
      maxRssGrowthMiB: Math.round(growth * 10) / 10,
      ms: Math.round(performance.now() - started),
    }
    this.figures.push(figures)
    if (details.failed) {
      throw new Error(
        `fuzz target "${target}" failed (seed ${FUZZ_SEED}; replay: EJIA_FUZZ_SEED=${FUZZ_SEED} EJIA_FUZZ_RUNS=${runs} npm run fuzz)\n${fc.defaultReportMessage(details)}`,
        { cause: details.errorInstance },
      )
    }
    if (opts.maxRssGrowthMiB !== undefined && growth > opts.maxRssGrowthMiB) {
      throw new Error(
        `fuzz target "${target}": RSS grew ${growth.toFixed(1)} MiB, more than ${opts.maxRssGrowthMiB} (seed ${FUZZ_SEED})`,
      )
    }
    return figures
  }

  /** One JSON line per target, for `npm run fuzz` to show (call it in afterAll). */
  print(): void {
    for (const f of this.figures) console.log(JSON.stringify(f))
  }
}

/** Samples the RSS every few milliseconds: a decoder's peak is gone by the time it returns. */
class RssPeak {
  private readonly start = process.memoryUsage.rss()
  private peak = this.start
  private readonly timer = setInterval(() => this.sample(), 5)

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss())
  }

  stop(): void {
    this.sample()
    clearInterval(this.timer)
  }

  growthMiB(): number {
    return (this.peak - this.start) / MiB
  }
}

/** Rejects when `work` takes longer than `ms`: a request or a decode that hangs is a failure. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work, hang])
  } finally {
    clearTimeout(timer)
  }
}
