import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { StationConfig } from '@ejia/firmware-config'
import type { Logger } from 'pino'
import { HttpPhotoHub } from '../adapters/hub/httpPhotoHub.js'
import { sharpPhotoImaging } from '../adapters/image/sharpPhotoImaging.js'
import { SqlitePhotoStore } from '../adapters/sqlite/sqlitePhotoStore.js'
import type { Agent } from '../app/agent.js'
import { EvidencePhotos } from '../app/photos/evidencePhotos.js'
import { DEFAULT_UPLOADER, PhotoUploader } from '../app/photos/photoUploader.js'
import type { Clock } from '../ports/clock.js'
import type { FaceEngine } from '../ports/faceEngine.js'

export const PHOTOS_FILE = 'photos.db'
export const PHOTOS_DIR = 'photos'

export interface Photos {
  service: EvidencePhotos
  /** Absent when the config names no hub HTTP API: photos are then only kept. */
  uploader?: PhotoUploader
  stop(): Promise<void>
}

/**
 * Evidence and witness photos: kept under `<dataDir>/photos/`, indexed in photos.db, and
 * uploaded to the hub's HTTP API when the config has one. The face engine, when loaded,
 * counts the faces in each photo.
 */
export async function startPhotos(
  config: StationConfig,
  deps: { agent: Agent; engine?: FaceEngine | undefined; clock: Clock; log: Logger },
): Promise<Photos> {
  const log = deps.log.child({ name: 'edge:photos' })
  const store = await SqlitePhotoStore.open(
    join(config.dataDir, PHOTOS_FILE),
    join(config.dataDir, PHOTOS_DIR),
  )
  const httpUrl = config.hub.httpUrl
  const uploader = httpUrl
    ? new PhotoUploader(
        {
          store,
          hub: new HttpPhotoHub({
            baseUrl: httpUrl,
            stationId: config.station.id,
            username: config.hub.username,
            password: config.hub.password,
            ...(config.hub.tls ? { ca: readFileSync(config.hub.tls.caFile) } : {}),
          }),
          clock: deps.clock,
          faults: deps.agent.faults,
          log: log.child({ name: 'edge:photos:upload' }),
        },
        { ...DEFAULT_UPLOADER, retentionMs: config.photos.retentionDays * 86_400_000 },
      )
    : undefined
  if (!uploader) log.warn('hub.httpUrl is not set: photos are kept on this kiosk and not uploaded')
  const service = new EvidencePhotos({
    store,
    imaging: sharpPhotoImaging,
    engine: deps.engine,
    record: deps.agent.record,
    clock: deps.clock,
    faults: deps.agent.faults,
    log,
    ...(uploader ? { onStored: () => uploader.kick() } : {}),
  })
  uploader?.start()
  return {
    service,
    ...(uploader ? { uploader } : {}),
    async stop() {
      await uploader?.stop()
      await store.close()
    },
  }
}
