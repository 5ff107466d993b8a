import { CodedError } from '@ejia/platform'
import type { FaceDeletedBody } from '@ejia/protocol'
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

/** Why a template is deleted: asked for (FACE_DELETE_REQUESTS), or the kiosk's own retention. */
export type DeleteReason = FaceDeletedBody['reason']

/**
 * The proof of a deletion (PIPL art. 47), as `ejia-face forget` prints it: what was destroyed
 * (the sealed row's digest, never the template), the checks made after it, and the journalled
 * `face.deleted` event, which the hub keeps in its ledger.
 */
export interface DeletionReceipt {
  personId: string
  deletedAt: string
  requestedBy: string
  reason: DeleteReason
  template: { sealedSha256: string; enrolledAt: string; modelVersion: string }
  verified: {
    /** No row of the person's template after the delete and the WAL checkpoint. */
    noRowLeft: boolean
    /** The ciphertext's bytes are in neither faces.db nor its WAL. */
    noBytesLeft: boolean
    /** Gone from the in-memory gallery: no check-in can match it. */
    notInGallery: boolean
  }
  event: { id: string; seq: number }
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
  }): Promise<{ eventId: string; deletion?: DeletionReceipt }> {
    const event = await this.deps.record('face.consent', c)
    await this.deps.store.saveConsent({ ...c, at: this.deps.clock.now(), eventId: event.id })
    // PIPL art. 47: a withdrawn consent deletes the template at once
    const deletion = c.granted
      ? undefined
      : await this.forget(c.personId, c.authorisedBy, 'consentWithdrawn', { quiet: true })
    return { eventId: event.id, ...(deletion ? { deletion } : {}) }
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

  /**
   * Deletes a person's face template from the kiosk, checks that nothing of it is left, and
   * journals that it did; the receipt says so. The consent decision stays on record.
   */
  async forget(
    personId: string,
    requestedBy: string,
    reason: DeleteReason,
    opts: { quiet?: boolean } = {},
  ): Promise<DeletionReceipt | undefined> {
    const removed = await this.deps.store.remove(personId)
    this.deps.gallery.remove(personId)
    if (!removed) {
      if (opts.quiet) return undefined
      throw new EnrolmentError('notEnrolled', `${personId} has no face data on this kiosk`)
    }
    const enrolledAt = new Date(removed.enrolledAt).toISOString()
    const event = await this.deps.record('face.deleted', {
      personId,
      requestedBy,
      reason,
      sealedSha256: removed.sealedSha256,
      enrolledAt,
    } satisfies FaceDeletedBody)
    return {
      personId,
      deletedAt: event.time,
      requestedBy,
      reason,
      template: { sealedSha256: removed.sealedSha256, enrolledAt, modelVersion: removed.modelVersion },
      verified: {
        noRowLeft: removed.rowsLeft === 0,
        noBytesLeft: !removed.sealedBytesInFile,
        notInGallery: !this.deps.gallery.has(personId),
      },
      event: { id: event.id, seq: event.seq },
    }
  }
}
