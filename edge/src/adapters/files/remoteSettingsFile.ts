import { readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { RemoteSettingsStore, StoredSettings } from '../../ports/remoteSettings.js'
import { syncDir, writeFileAtomic } from './atomicFile.js'

export const REMOTE_SETTINGS_FILE = 'remote-settings.json'
export const PREVIOUS_SETTINGS_FILE = 'remote-settings.previous.json'

/**
 * `<dataDir>/remote-settings.json` and the one before it, each written whole or not at
 * all (temp file, fsync, rename, then the directory fsynced): a power cut while applying
 * leaves the kiosk on either the old settings or the new, never on half of one.
 */
export class RemoteSettingsFile implements RemoteSettingsStore {
  constructor(private readonly dir: string) {}

  load(): { current?: StoredSettings; previous?: StoredSettings } {
    const current = this.read(REMOTE_SETTINGS_FILE)
    const previous = this.read(PREVIOUS_SETTINGS_FILE)
    return { ...(current ? { current } : {}), ...(previous ? { previous } : {}) }
  }

  async save(next: StoredSettings): Promise<void> {
    const { current } = this.load()
    if (current) await this.write(PREVIOUS_SETTINGS_FILE, current)
    await this.write(REMOTE_SETTINGS_FILE, next)
    await syncDir(this.dir)
  }

  async rollback(): Promise<void> {
    const { previous } = this.load()
    if (previous) await this.write(REMOTE_SETTINGS_FILE, previous)
    else await rm(join(this.dir, REMOTE_SETTINGS_FILE), { force: true })
    await syncDir(this.dir)
  }

  private read(name: string): StoredSettings | undefined {
    let text: string
    try {
      text = readFileSync(join(this.dir, name), 'utf8')
    } catch {
      return undefined
    }
    try {
      const v = JSON.parse(text) as StoredSettings
      return Number.isSafeInteger(v.version) && v.version > 0 ? v : undefined
    } catch {
      // written atomically, so only a hand edit gets here: treat as absent, the hub pushes again
      return undefined
    }
  }

  private write(name: string, value: StoredSettings): Promise<void> {
    return writeFileAtomic(join(this.dir, name), Buffer.from(`${JSON.stringify(value, null, 2)}\n`))
  }
}
