import type { FACE_DELETE_REQUESTS } from '@ejia/protocol'
import { EnrolmentError, type FaceEnrolment } from './enrolment.js'

/**
 * The `forgetFace` command: a person asked the town or district office, not the kiosk, to
 * delete their face data (PIPL art. 47). The kiosk deletes it as `ejia-face forget` does and
 * answers with the receipt in one line; a kiosk that never held it says so and succeeds, so
 * a request sent to a whole town ends with every kiosk's answer.
 */
export function forgetFaceCommand(enrolment: FaceEnrolment) {
  return async (
    personId: string,
    requestedBy: string,
    reason: (typeof FACE_DELETE_REQUESTS)[number],
  ): Promise<string> => {
    let receipt: Awaited<ReturnType<FaceEnrolment['forget']>>
    try {
      receipt = await enrolment.forget(personId, requestedBy, reason)
    } catch (err) {
      if (err instanceof EnrolmentError && err.code === 'notEnrolled')
        return `no face template of ${personId} on this kiosk: nothing to delete`
      throw err
    }
    if (!receipt) throw new Error('forget without quiet returns a receipt or throws')
    const { noRowLeft, noBytesLeft, notInGallery } = receipt.verified
    if (!(noRowLeft && noBytesLeft && notInGallery)) {
      throw new Error(
        `the face template of ${personId} was deleted, but the checks after it failed: ${JSON.stringify(receipt.verified)}`,
      )
    }
    return `face template of ${personId} deleted (${reason}), checked gone from the file, its WAL and the gallery; sealed row sha256 ${receipt.template.sealedSha256}; face.deleted ${receipt.event.id} seq ${receipt.event.seq}`
  }
}
