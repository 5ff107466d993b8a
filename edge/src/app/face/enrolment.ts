import { CodedError } from '@ejia/platform'
import { decide, type SecurityLevel } from '../../domain/face/decision.js'
import { cosine, meanTemplate } from '../../domain/face/gallery.js'
import type { RgbImage } from '../../domain/face/image.js'
import type { QualityIssue } from '../../domain/face/quality.js'
import type { FaceDeps } from './faceDeps.js'

export class EnrolmentError extends CodedError<
  'noConsent' | 'tooFewCaptures' | 'capturesDisagree' | 'alreadyEnrolled' | 'notEnrolled'
> {
  readonly detail: Record<string, unknown>
  constructor(code: EnrolmentError['code'], message: string, detail: Record<string, unknown> = {}) {
    super(code, message)
    this.detail = detail
  }
}

export const MIN_CAPTURES = 3
/** Captures of one person must resemble each other at least this much (cosine). */
const SAME_PERSON_FLOOR = 0.35

export interface EnrolResult {
  personId: string
  captures: number
  rejected: { index: number; issue: QualityIssue }[]
  replaced: boolean
}

/**
 * Enrolment and deletion of face data. Consent comes first and separately; enrolment
 * takes several captures, refuses bad ones with the reason, checks the captures agree
 * and that the face is not already someone else's, and keeps only the averaged template,
 * encrypted. Frames are dropped as soon as they are embedded. Every step is journalled.
 */
export class FaceEnrolment {
  constructor(private readonly deps: FaceDeps & { level: SecurityLevel }) {}

  async recordConsent(c: {
    personId: string
    granted: boolean
    textVersion: string
    authorisedBy: string
  }): Promise<string> {
    const event = await this.deps.record('face.consent', c)
    await this.deps.store.saveConsent({ ...c, at: this.deps.clock.now(), eventId: event.id })
    if (!c.granted) await this.forget(c.personId, c.authorisedBy, 'consentWithdrawn', { quiet: true })
    return event.id
  }

  async enrol(personId: string, authorisedBy: string, frames: readonly RgbImage[]): Promise<EnrolResult> {
    const consent = await this.deps.store.consent(personId)
    if (!consent?.granted) {
      throw new EnrolmentError(
        'noConsent',
        `${personId} has not given consent to face check-in; record it first`,
      )
    }
    const embeddings: Float32Array[] = []
    const rejected: EnrolResult['rejected'] = []
    for (const [index, frame] of frames.entries()) {
      const a = await this.deps.engine.analyse(frame)
      if (a.ok) embeddings.push(a.embedding)
      else rejected.push({ index, issue: a.issue })
    }
    if (embeddings.length < MIN_CAPTURES) {
      throw new EnrolmentError(
        'tooFewCaptures',
        `${embeddings.length} usable captures of ${frames.length}; at least ${MIN_CAPTURES} are needed`,
        { rejected },
      )
    }
    for (let i = 0; i < embeddings.length; i++) {
      for (let j = i + 1; j < embeddings.length; j++) {
        if (cosine(embeddings[i] as Float32Array, embeddings[j] as Float32Array) < SAME_PERSON_FLOOR) {
          throw new EnrolmentError(
            'capturesDisagree',
            'the captures do not look like the same person; capture again',
          )
        }
      }
    }
    const template = meanTemplate(embeddings)
    // one face, one person: refuse a face that already belongs to someone else
    const duplicate = decide(this.deps.gallery.search(template, personId), this.deps.level)
    if (duplicate.kind === 'match') {
      throw new EnrolmentError('alreadyEnrolled', `this face is already enrolled as ${duplicate.personId}`, {
        personId: duplicate.personId,
        score: duplicate.score,
      })
    }
    const replaced = this.deps.gallery.has(personId)
    await this.deps.store.save({
      personId,
      modelVersion: this.deps.engine.modelVersion,
      template,
      enrolledAt: this.deps.clock.now(),
      authorisedBy,
    })
    this.deps.gallery.upsert(personId, template)
    await this.deps.record('face.enrolled', {
      personId,
      authorisedBy,
      captures: embeddings.length,
      modelVersion: this.deps.engine.modelVersion,
      replaced,
    })
    return { personId, captures: embeddings.length, rejected, replaced }
  }

  /** Deletes a person's face data from the kiosk, and journals that it did. */
  async forget(
    personId: string,
    requestedBy: string,
    reason: 'personRequest' | 'consentWithdrawn' | 'leftVillage' | 'reenrol' | 'other',
    opts: { quiet?: boolean } = {},
  ): Promise<boolean> {
    const removed = await this.deps.store.remove(personId)
    this.deps.gallery.remove(personId)
    if (!removed && !opts.quiet)
      throw new EnrolmentError('notEnrolled', `${personId} has no face data on this kiosk`)
    if (removed) await this.deps.record('face.deleted', { personId, requestedBy, reason })
    return removed
  }
}
