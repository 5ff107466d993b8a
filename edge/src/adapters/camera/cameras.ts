import type { StationConfig } from '@ejia/firmware-config'
import type { Camera } from '../../ports/camera.js'
import { FolderCamera } from './folderCamera.js'
import { PushCamera } from './pushCamera.js'

/**
 * The camera a config names: pushed by the kiosk UI (then `push` is where frames go in),
 * replayed from a folder, or none.
 */
export function createCamera(config: StationConfig['camera']): { camera?: Camera; push?: PushCamera } {
  switch (config.type) {
    case 'push': {
      const push = new PushCamera()
      return { camera: push, push }
    }
    case 'folder':
      if (!config.folder) throw new Error('camera.folder must be set for camera.type folder')
      return { camera: new FolderCamera(config.folder, config.fps) }
    case 'none':
      return {}
  }
}
