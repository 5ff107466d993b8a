/** Why the camera did not open, for the words on screen. */
export type CameraProblem = 'unsupported' | 'denied' | 'notFound' | 'failed'

/** Frames go to the agent at this width at most: enough for a face at arm's length, small to send. */
const FRAME_WIDTH = 640
const JPEG_QUALITY = 0.8

export async function openCamera(): Promise<{ stream: MediaStream } | { problem: CameraProblem }> {
  if (!navigator.mediaDevices?.getUserMedia) return { problem: 'unsupported' }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 720 } },
    })
    return { stream }
  } catch (err) {
    const name = (err as DOMException).name
    if (name === 'NotAllowedError' || name === 'SecurityError') return { problem: 'denied' }
    if (name === 'NotFoundError' || name === 'OverconstrainedError') return { problem: 'notFound' }
    return { problem: 'failed' }
  }
}

export function stopStream(stream: MediaStream | undefined): void {
  for (const t of stream?.getTracks() ?? []) t.stop()
}

export interface Grab {
  blob: Blob
  width: number
  height: number
}

/**
 * The video's current picture as a JPEG, scaled down to FRAME_WIDTH with its aspect kept, so a
 * face box in frame pixels maps straight back onto the preview.
 */
export async function grabJpeg(video: HTMLVideoElement, canvas: HTMLCanvasElement): Promise<Grab | null> {
  const vw = video.videoWidth
  const vh = video.videoHeight
  if (!vw || !vh) return null
  const scale = Math.min(1, FRAME_WIDTH / vw)
  const width = Math.round(vw * scale)
  const height = Math.round(vh * scale)
  canvas.width = width
  canvas.height = height
  canvas.getContext('2d')?.drawImage(video, 0, 0, width, height)
  const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', JPEG_QUALITY))
  return blob ? { blob, width, height } : null
}

/** POST /api/face/enrol takes base64 JPEGs in JSON. */
export async function toBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer())
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}
