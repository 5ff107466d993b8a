import type { AgentSettings } from '../settings.js'
import { request } from './client.js'
import type {
  DeviceInfo,
  EnrolAnswer,
  FaceInfo,
  FaceUpdate,
  KioskStatus,
  Mode,
  Person,
  PersonRef,
  PhotoInfo,
  ProbeResult,
  SignInOutcome,
  Today,
} from './types.js'

/** Enrolment sends 3–5 JPEGs as base64 and the agent embeds each: give it time. */
const ENROL_TIMEOUT_MS = 30_000

/** The local API of docs/KIOSK.md, one typed function per route. */
export const api = {
  status: () => request<KioskStatus>('GET', 'status'),
  uiSettings: () => request<AgentSettings>('GET', 'ui-settings'),
  today: () => request<Today>('GET', 'today'),
  devices: () => request<{ devices: DeviceInfo[] }>('GET', 'devices'),

  mode: () => request<Mode>('GET', 'mode'),
  setMode: (mode: Mode) => request<Mode>('PUT', 'mode', mode),

  signInPin: (personId: string, pin: string) =>
    request<SignInOutcome>('POST', 'signin/pin', { personId, pin }),
  vouch: (v: { personId: string; cadreId: string; cadrePin: string; witnessPhotoId: string }) =>
    request<SignInOutcome>('POST', 'signin/vouch', v),
  authCadre: (cadreId: string, pin: string) => request<PersonRef>('POST', 'auth/cadre', { cadreId, pin }),
  person: (personId: string) => request<Person>('GET', `people/${encodeURIComponent(personId)}`),
  /** The enrolment sheet's code, checked as a scan at the QR reader would be. */
  enrolCheck: (payload: string) => request<EnrolAnswer>('POST', 'enrol/check', { payload }),

  face: () => request<FaceInfo>('GET', 'face'),
  startFace: (activityId?: string) =>
    request<FaceUpdate>('POST', 'face/checkin', activityId ? { activityId } : {}),
  faceSession: () => request<FaceUpdate>('GET', 'face/checkin'),
  cancelFace: () => request<null>('DELETE', 'face/checkin'),
  frame: (jpeg: Blob) => request<{ accepted: boolean }>('POST', 'camera/frame', jpeg),
  probe: (jpeg: Blob) => request<ProbeResult>('POST', 'camera/probe', jpeg),

  photo: (jpeg: Blob, q: { purpose: 'witness' | 'evidence'; takenBy?: string; activityId?: string }) => {
    const params = new URLSearchParams({ purpose: q.purpose })
    if (q.activityId) params.set('activityId', q.activityId)
    if (q.takenBy) params.set('takenBy', q.takenBy)
    return request<PhotoInfo>('POST', `photos?${params}`, jpeg)
  },
  consent: (c: { personId: string; granted: boolean; textVersion: string; authorisedBy: string }) =>
    request<{ eventId: string }>('POST', 'face/consent', c),
  enrol: (e: { personId: string; authorisedBy: string; images: string[] }) =>
    request<unknown>('POST', 'face/enrol', e, ENROL_TIMEOUT_MS),
}
