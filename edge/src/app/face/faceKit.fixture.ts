import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { FakeFaceEngine } from '../../adapters/fake/fakeFaceEngine.js'
import { ManualClock } from '../../adapters/fake/manualClock.js'
import { MemoryJournal } from '../../adapters/fake/memoryJournal.js'
import { SqliteTemplateStore } from '../../adapters/sqlite/sqliteTemplateStore.js'
import type { QualityIssue } from '../../domain/face/quality.js'
import type { Frame } from '../../ports/camera.js'
import { FaultBoard } from '../faults.js'
import { createRecordEvent } from '../recordEvent.js'
import { FaceService, type FaceSettings } from './faceService.js'

/** Faces the fake engine "sees": the frame's first byte picks one. */
export const FACES = {
  alice: 1,
  alicePoorLight: 2,
  bob: 3,
  stranger: 4,
  aliceTwin: 5,
  aliceAged: 6,
  dark: 9,
} as const

const vec = (...v: number[]) => Float32Array.from(v)
const faces = new Map<number, Float32Array>([
  [FACES.alice, vec(1, 0, 0, 0, 0, 0, 0, 0)],
  [FACES.alicePoorLight, vec(0.9, 0.3, 0, 0, 0, 0, 0, 0)],
  [FACES.bob, vec(0, 1, 0, 0, 0, 0, 0, 0)],
  [FACES.stranger, vec(0, 0, 0, 0, 0, 0, 1, 0)],
  [FACES.aliceTwin, vec(0.95, 0, 0.1, 0, 0, 0, 0, 0)],
  // still alice, but drifting towards bob: matches with a small margin
  [FACES.aliceAged, vec(0.7, 0.55, 0, 0, 0, 0, 0, 0)],
])
const issues = new Map<number, QualityIssue>([[FACES.dark, 'tooDark']])

export function frame(face: number, live = 255): Frame {
  return { width: 1, height: 1, data: new Uint8Array([face, live, 0]), capturedAt: 0 }
}

/** A FaceService on fakes and a real (temporary) encrypted store, with no camera. */
export async function faceKit(settings: Partial<FaceSettings> = {}) {
  const clock = new ManualClock()
  const journal = new MemoryJournal('339901001001')
  const faults = new FaultBoard(clock)
  const record = createRecordEvent({ journal, clock, faults, onRecorded: () => undefined })
  const file = join(mkdtempSync(join(tmpdir(), 'ejia-faces-')), 'faces.db')
  const key = Buffer.alloc(32, 7).toString('base64')
  const store = await SqliteTemplateStore.open(file, key)
  const engine = new FakeFaceEngine(faces, issues)
  const service = await FaceService.start(
    { engine, store, camera: undefined, record, clock, faults, log: pino({ level: 'silent' }) },
    { level: 3, votingFrames: 3, challenge: 'none', timeoutMs: 20_000, ...settings },
  )
  const events = async () =>
    (await journal.pending({ afterSeq: 0, limit: 1000 })).map((e) => ({ type: e.type, body: e.body }))
  const enrol = async (personId: string, face: number) => {
    await service.enrolment.recordConsent({
      personId,
      granted: true,
      textVersion: 'v1',
      authorisedBy: 'cadre-1',
    })
    return service.enrolment.enrol(personId, 'cadre-1', [frame(face), frame(face), frame(face)])
  }
  return { clock, journal, faults, store, service, file, key, events, enrol }
}
