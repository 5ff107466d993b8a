/**
 * What the hub's database holds of station secrets beyond the registry (docs/OPERATIONS.md,
 * "Rotating a station's secret"): SHA-256 hashes only, never a secret.
 */
export interface StationSecretRecord {
  stationId: string
  /** The registry's hash when this record was made; a registry with another one re-issued the secret. */
  registrySha256: string
  /** A rotated secret in force over the registry's; null: the registry's is. */
  currentSha256: string | null
  rotatedAt: number | null
  pending: { sha256: string; commandId: string; expiresAt: number } | null
}

export interface CredentialStore {
  records(): Promise<StationSecretRecord[]>
  /** Sets a station's pending secret, replacing any other. */
  setPending(
    stationId: string,
    registrySha256: string,
    pending: { sha256: string; commandId: string; expiresAt: number },
  ): Promise<void>
  /** The pending secret of that command becomes current; false if it is no longer pending. */
  promote(stationId: string, commandId: string, at: number): Promise<boolean>
  /** Forgets the pending secret of that command; false if it was not pending. */
  discardPending(stationId: string, commandId: string): Promise<boolean>
  /** Pending secrets past their expiry at `now`, forgotten; returns them. */
  expirePending(now: number): Promise<{ stationId: string; commandId: string }[]>
  /** Forgets everything held for a station: the registry's secret is in force again. */
  forget(stationId: string): Promise<void>
}
