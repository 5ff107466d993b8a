import type { Static, TSchema } from 'typebox'
import { ActivityEndBody, ActivityPhotoBody, ActivityStartBody } from './activity.js'
import { AgentStartBody } from './agent.js'
import { CheckinBody } from './checkin.js'
import { UnknownCredentialBody } from './credentialEvents.js'
import { DutyPunchBody } from './duty.js'
import { FaceConsentBody, FaceDeletedBody, FaceEnrolledBody } from './face.js'
import { KioskEnrolledBody } from './kiosk.js'

export * from './activity.js'
export * from './agent.js'
export * from './checkin.js'
export * from './credential.js'
export * from './credentialEvents.js'
export * from './duty.js'
export * from './face.js'
export * from './kiosk.js'

/** Every event type and the schema of its body. Adding a type here is all it takes. */
export const eventBodies = {
  checkin: CheckinBody,
  'duty.punch': DutyPunchBody,
  'activity.start': ActivityStartBody,
  'activity.end': ActivityEndBody,
  'activity.photo': ActivityPhotoBody,
  'agent.start': AgentStartBody,
  'credential.unknown': UnknownCredentialBody,
  'face.consent': FaceConsentBody,
  'face.enrolled': FaceEnrolledBody,
  'face.deleted': FaceDeletedBody,
  'kiosk.enrolled': KioskEnrolledBody,
} as const satisfies Record<string, TSchema>

export type EventType = keyof typeof eventBodies
export type EventBody<T extends EventType> = Static<(typeof eventBodies)[T]>
export const eventTypes = Object.keys(eventBodies) as EventType[]

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(eventBodies, value)
}
