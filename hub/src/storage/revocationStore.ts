/** A station refused at the hub until unrevoked (docs/OPERATIONS.md, "Revoking a station"). */
export interface RevocationRecord {
  stationId: string
  revokedAt: number
  revokedBy: string
  reason: string
}

export interface RevocationStore {
  list(): Promise<RevocationRecord[]>
  /** Adds or replaces the station's revocation. */
  revoke(r: RevocationRecord): Promise<void>
  /** False when the station was not revoked here. */
  unrevoke(stationId: string): Promise<boolean>
}
