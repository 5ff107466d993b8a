import type { Logger } from 'pino'
import { StationConfigFile } from '../adapters/files/stationConfigFile.js'
import type { Clock } from '../ports/clock.js'

/** How long a rotation waits to log in with the new secret before going back to the old one. */
export const ROTATION_TIMEOUT_MS = 60_000

/** What one run's uplink logs in with. */
export interface UplinkLogin {
  password: string
  alternatePassword?: string
  onLogin(password: string): void
}

/** Steps a test can pause at, to stop the kiosk there as a power cut would. */
export interface RotationHooks {
  /** The new secret is in the file (the old one in `.prev`); the agent has not restarted yet. */
  afterWrite?(): Promise<void>
}

type Outcome = 'primary' | 'alternate' | 'timeout' | 'stopped'

/**
 * The kiosk's secrets and `rotateCredentials` (docs/OPERATIONS.md, "Rotating a station's
 * secret"). The kiosk holds two: the one in its config file (tried first) and the one in
 * `<file>.prev`; the uplink tries the other when the hub refuses one. A rotation writes the
 * new secret to the file (the old one kept in `.prev`) before it restarts the agent on it;
 * if it cannot log in with it in time, it puts the old one back first. Whichever secret a
 * login succeeds with becomes the file's, so the file always names the one in force.
 */
export class StationCredentials {
  private generation = 0
  private waiter: ((o: Outcome) => void) | undefined
  private swapping: Promise<void> = Promise.resolve()

  private constructor(
    private readonly file: StationConfigFile | undefined,
    private primary: string,
    private alternate: string | undefined,
    private readonly deps: {
      clock: Clock
      log: Logger
      timeoutMs: number
      hooks: RotationHooks
      onSwitched: () => void
    },
  ) {}

  /** `configFile` undefined (a kiosk started in-process without one): it cannot rotate. */
  static open(
    configFile: string | undefined,
    password: string,
    deps: {
      clock: Clock
      log: Logger
      timeoutMs?: number
      hooks?: RotationHooks
      /** Outside a rotation, the other secret was the one that worked: restart on it (photo uploads). */
      onSwitched?: () => void
    },
  ): StationCredentials {
    const file = configFile === undefined ? undefined : new StationConfigFile(configFile)
    const previous = file?.secrets().previous
    return new StationCredentials(file, password, previous === password ? undefined : previous, {
      clock: deps.clock,
      log: deps.log,
      timeoutMs: deps.timeoutMs ?? ROTATION_TIMEOUT_MS,
      hooks: deps.hooks ?? {},
      onSwitched: deps.onSwitched ?? (() => undefined),
    })
  }

  get canRotate(): boolean {
    return this.file !== undefined
  }

  /** The login for a new run; logins of runs before it are ignored. */
  login(): UplinkLogin {
    const generation = ++this.generation
    return {
      password: this.primary,
      ...(this.alternate === undefined ? {} : { alternatePassword: this.alternate }),
      onLogin: (password) => {
        if (generation === this.generation) this.loggedIn(password)
      },
    }
  }

  /**
   * Writes `secret` to the file, restarts on it and waits to log in with it. Resolves with
   * what happened; throws, back on the old secret, if the new one did not work.
   */
  async rotate(secret: string, restart: () => Promise<void>): Promise<string> {
    const { file, deps } = this
    if (!file) throw new Error('started without a station config file: it cannot keep a new secret')
    await this.swapping
    if (secret === this.primary) return 'already logging in with this secret'
    const old = this.primary
    await file.rotate(secret)
    this.primary = secret
    this.alternate = old
    deps.log.info('new station secret written; restarting the agent on it')
    await deps.hooks.afterWrite?.()
    const outcome = this.nextLogin()
    await restart()
    const got = await outcome
    if (got === 'primary') return 'logged in with the new secret; the hub retires the old one'
    if (got === 'alternate') {
      await this.swapping
      await restart()
      throw new Error('the hub refused the new secret; logged in again with the old one')
    }
    if (got === 'stopped') throw new Error('the agent stopped during the rotation')
    // not connected in time (hub away, or the new secret refused and the old one too slow):
    // the old secret goes back into the file first, then the agent restarts on it
    await file.swap()
    this.primary = old
    this.alternate = secret
    await restart()
    throw new Error(
      `could not log in with the new secret within ${Math.round(deps.timeoutMs / 1000)} s; back on the old one`,
    )
  }

  /** Ends a rotation waiting to log in, leaving both secrets on disk. */
  close(): void {
    this.waiter?.('stopped')
  }

  private nextLogin(): Promise<Outcome> {
    return new Promise((resolve) => {
      const timer = this.deps.clock.setTimeout(() => settle('timeout'), this.deps.timeoutMs)
      const settle = (o: Outcome) => {
        this.deps.clock.clear(timer)
        this.waiter = undefined
        resolve(o)
      }
      this.waiter = settle
    })
  }

  private loggedIn(password: string): void {
    if (password === this.primary) {
      this.waiter?.('primary')
      return
    }
    if (password !== this.alternate || !this.file) return
    // the hub took the other secret: it is the one in force, so the file must name it
    const file = this.file
    const other = this.primary
    this.primary = password
    this.alternate = other
    this.deps.log.warn('logged in with the other secret the kiosk holds; it becomes the file’s')
    this.swapping = this.swapping
      .then(() => file.swap())
      .catch((err: unknown) => this.deps.log.error({ err }, 'could not write the working secret to the file'))
    if (this.waiter) this.waiter('alternate')
    else this.deps.onSwitched()
  }
}
