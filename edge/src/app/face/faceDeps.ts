import type { FaceGallery } from '../../domain/face/gallery.js'
import type { Clock } from '../../ports/clock.js'
import type { FaceEngine } from '../../ports/faceEngine.js'
import type { TemplateStore } from '../../ports/templateStore.js'
import type { RecordEvent } from '../recordEvent.js'

/** What the face use cases work with: models, the gallery, the store, the journal, time. */
export interface FaceDeps {
  engine: FaceEngine
  gallery: FaceGallery
  store: TemplateStore
  record: RecordEvent
  clock: Clock
}
