/**
 * A check the hub runs every so often (the duty watch, the fleet watch): never two at once, a
 * failure logged and left to the next run, and stopping waits for the run in progress.
 */
export class PeriodicCheck {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined

  constructor(
    private readonly work: () => Promise<void>,
    private readonly everyMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.run(), this.everyMs).unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.running
  }

  /** Runs the check now, or joins the one already running. */
  run(): Promise<void> {
    this.running ??= this.work()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined
      })
    return this.running
  }
}
