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

export interface ConsentRecord {
  personId: string
  granted: boolean
  textVersion: string
  authorisedBy: string
  at: number
  eventId: string
}

/**
 * Face templates and consents, on the kiosk only, encrypted at rest. Deleting a person
 * leaves nothing of their template behind in the file.
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
  remove(personId: string): Promise<boolean>
  /** Notes a successful check-in's margin; returns the updated statistics. */
  recordMatch(
    personId: string,
    margin: number,
  ): Promise<Pick<StoredTemplate, 'checkins' | 'marginBaseline' | 'marginRecent'>>
  saveConsent(c: ConsentRecord): Promise<void>
  consent(personId: string): Promise<ConsentRecord | undefined>
  close(): Promise<void>
}
