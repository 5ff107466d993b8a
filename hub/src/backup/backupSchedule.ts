import type { Logger } from 'pino'
import type { BackupManifest } from './backupFiles.js'
import { listBackups, pruneBackups } from './hubBackup.js'

export interface BackupScheduleOptions {
  backupDir: string
  everyMs: number
  /** How many database backups to keep; older ones are deleted after each new one. */
  keep: number
}

/** What /api/health and /metrics show of the backups. */
export interface BackupStatus {
  dir: string
  everyS: number
  lastAt: string | null
  ageS: number | null
  /** No backup for twice the interval, or the last try failed. */
  stale: boolean
  lastError: string | null
}

/**
 * Backs the hub up every `everyMs`, counted from the newest backup in the folder, so a hub
 * restarted often still backs up on time. A failure is logged and tried again at the next
 * tick; a backup older than twice the interval is logged as a warning at every tick.
 */
export class BackupSchedule {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private lastAt: number | null = null
  private lastError: string | null = null

  constructor(
    private readonly deps: {
      backup: () => Promise<BackupManifest>
      log: Logger
      now: () => number
      onResult?: (ok: boolean, lastAt: number | null) => void
    },
    private readonly opts: BackupScheduleOptions,
  ) {}

  async start(): Promise<void> {
    // a backup folder that cannot be read keeps the hub running, and is reported like a failed backup
    try {
      const newest = (await listBackups(this.opts.backupDir)).at(-1)
      this.lastAt = newest ? Date.parse(newest.manifest.createdAt) : null
      this.deps.onResult?.(true, this.lastAt)
    } catch (err) {
      this.lastError = (err as Error).message
      this.deps.log.error({ err, dir: this.opts.backupDir }, 'cannot read the backup folder')
      this.deps.onResult?.(false, null)
    }
    this.plan()
  }

  status(): BackupStatus {
    const now = this.deps.now()
    const ageS = this.lastAt === null ? null : Math.round((now - this.lastAt) / 1000)
    return {
      dir: this.opts.backupDir,
      everyS: Math.round(this.opts.everyMs / 1000),
      lastAt: this.lastAt === null ? null : new Date(this.lastAt).toISOString(),
      ageS,
      stale: this.lastError !== null || this.isOld(now),
      lastError: this.lastError,
    }
  }

  /** Backs up now (unless a backup is running: then waits for that one). */
  runNow(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    await this.running
  }

  private plan(): void {
    const due = this.lastAt === null ? 0 : Math.max(0, this.lastAt + this.opts.everyMs - this.deps.now())
    // a failed try is repeated after a tenth of the interval, not a whole one
    const wait = this.lastError === null ? due : Math.min(due, this.opts.everyMs / 10)
    this.timer = setTimeout(() => {
      void this.runNow().then(() => {
        if (this.timer) this.plan()
      })
    }, wait)
    this.timer.unref()
  }

  private async run(): Promise<void> {
    const { log } = this.deps
    try {
      const m = await this.deps.backup()
      this.lastAt = Date.parse(m.createdAt)
      this.lastError = null
      const pruned = await pruneBackups(this.opts.backupDir, this.opts.keep)
      log.info({ file: m.file, bytes: m.bytes, rows: m.rows, photos: m.photos, pruned }, 'hub backed up')
      this.deps.onResult?.(true, this.lastAt)
    } catch (err) {
      this.lastError = (err as Error).message
      log.error({ err, dir: this.opts.backupDir }, 'hub backup failed')
      this.deps.onResult?.(false, this.lastAt)
    }
    if (this.isOld(this.deps.now()))
      log.warn(
        { lastAt: this.status().lastAt, everyS: this.opts.everyMs / 1000 },
        'the newest hub backup is older than twice the backup interval',
      )
  }

  private isOld(now: number): boolean {
    return this.lastAt === null ? false : now - this.lastAt > 2 * this.opts.everyMs
  }
}
