/** A person's face template as the kiosk keeps it (decrypted, in memory only). */
export interface StoredTemplate {
  personId: string
  modelVersion: string
  template: Float32Array
  enrolledAt: number
  checkins: number
  /** Mean match margin of the first check-ins after enrolment. */
  marginBaseline: number | null
  /** Exponentially weighted recent match margin. */
  marginRecent: number | null
}

/** When a template was made and last matched, read without opening it (retention). */
export interface TemplateUsage {
  personId: string
  enrolledAt: number
  /** The last check-in (or lookup) it matched; null when it never has. */
  lastMatchedAt: number | null
}

/**
 * What a deletion destroyed, and what the store found after it: the proof a deletion
 * receipt carries (PIPL art. 47). Never the template itself.
 */
export interface RemovedTemplate {
  personId: string
  modelVersion: string
  enrolledAt: number
  /** SHA-256 (hex) of the sealed row as stored: IV, tag and ciphertext. */
  sealedSha256: string
  /** Rows of the person's template left after the delete and the WAL checkpoint: 0. */
  rowsLeft: number
  /** Whether the ciphertext's bytes are still anywhere in the store's files (main and WAL). */
  sealedBytesInFile: boolean
}

export interface ConsentRecord {
  personId: string
  granted: boolean
  textVersion: string
  authorisedBy: string
  at: number
  eventId: string
}

/**
 * Face templates and the consent register, on the kiosk only, templates encrypted at rest.
 * Consents are kept apart from templates (PIPL art. 29): deleting a template leaves the
 * person's consent decision on record. Deleting a person leaves nothing of their template
 * behind in the file.
 */
export interface TemplateStore {
  /** Templates made by `modelVersion`; `stale` counts those of other models (need re-enrolment). */
  load(modelVersion: string): Promise<{ templates: StoredTemplate[]; stale: number }>
  save(t: {
    personId: string
    modelVersion: string
    template: Float32Array
    enrolledAt: number
    authorisedBy: string
  }): Promise<void>
  /** Destroys the person's template; what was destroyed and the checks after, or undefined when none. */
  remove(personId: string): Promise<RemovedTemplate | undefined>
  usage(): Promise<TemplateUsage[]>
  /** Notes a successful check-in's margin at `at`; returns the updated statistics. */
  recordMatch(
    personId: string,
    margin: number,
    at: number,
  ): Promise<Pick<StoredTemplate, 'checkins' | 'marginBaseline' | 'marginRecent'>>
  saveConsent(c: ConsentRecord): Promise<void>
  consent(personId: string): Promise<ConsentRecord | undefined>
  close(): Promise<void>
}
