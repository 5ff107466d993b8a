import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import sharp, { type Sharp } from 'sharp'
import { ManualClock } from '../../adapters/fake/manualClock.js'
import { MemoryJournal } from '../../adapters/fake/memoryJournal.js'
import { sharpPhotoImaging } from '../../adapters/image/sharpPhotoImaging.js'
import { SqlitePhotoStore, type WriteFile } from '../../adapters/sqlite/sqlitePhotoStore.js'
import type { FaceEngine } from '../../ports/faceEngine.js'
import { FaultBoard } from '../faults.js'
import { createRecordEvent, type RecordEvent } from '../recordEvent.js'
import { EvidencePhotos } from './evidencePhotos.js'

export const silent = pino({ level: 'silent' })

/** A photo-like test image: a gradient with a block of colour, so JPEG has work to do. */
export function testImage(width: number, height: number, seed = 1): Sharp {
  const data = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      data[i] = (x * 255) / width
      data[i + 1] = (y * 255) / height
      data[i + 2] = (seed * 53 + x + y) % 256
    }
  return sharp(data, { raw: { width, height, channels: 3 } })
}

/**
 * An EvidencePhotos on the real parts (sharp, SQLite and files in a temp dir) with an
 * in-memory journal; `engine`, `write` and `record` replace a part where a test needs to.
 */
export async function photoKit(
  opts: { engine?: FaceEngine; write?: WriteFile; record?: (real: RecordEvent) => RecordEvent } = {},
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ejia-photos-'))
  const dir = join(dataDir, 'photos')
  const clock = new ManualClock()
  const journal = new MemoryJournal('339901001001')
  const faults = new FaultBoard(clock)
  const store = await SqlitePhotoStore.open(join(dataDir, 'photos.db'), dir, opts.write)
  const record = createRecordEvent({ journal, clock, faults, onRecorded: () => undefined })
  let kicks = 0
  const service = new EvidencePhotos({
    store,
    imaging: sharpPhotoImaging,
    engine: opts.engine,
    record: opts.record ? opts.record(record) : record,
    clock,
    faults,
    log: silent,
    onStored: () => kicks++,
  })
  const events = async () =>
    (await journal.pending({ afterSeq: 0, limit: 1000 })).map((e) => ({
      id: e.id,
      type: e.type,
      body: e.body,
    }))
  return { dataDir, dir, clock, journal, faults, store, service, events, kicks: () => kicks }
}
