/** Remote settings as the kiosk keeps them once applied, beside its station config. */
export interface StoredSettings {
  version: number
  settings: unknown
  issuedAt: string
  issuedBy: string
  appliedAt: string
}

/**
 * Where applied remote settings are kept: the current ones, and the ones before them (to
 * go back to when the agent cannot start on the new ones). Writes are atomic.
 */
export interface RemoteSettingsStore {
  load(): { current?: StoredSettings; previous?: StoredSettings }
  /** The current settings become the previous; `next` becomes current. */
  save(next: StoredSettings): Promise<void>
  /** The previous settings become current again (none, when there were none). */
  rollback(): Promise<void>
}
