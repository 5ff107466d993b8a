import { writeFileSync } from 'node:fs'
import sharp from 'sharp'

/**
 * Writes images as a Y4M video (4:2:0), the format Chromium's fake camera plays in a loop
 * (`--use-file-for-fake-video-capture`): a kiosk camera pointed at a face photo.
 */
export async function writeY4m(
  file: string,
  images: readonly Buffer[],
  opts: { width: number; height: number; fps: number; framesEach: number },
): Promise<void> {
  const { width: w, height: h } = opts
  const chunks: Buffer[] = [Buffer.from(`YUV4MPEG2 W${w} H${h} F${opts.fps}:1 Ip A1:1 C420jpeg\n`)]
  for (const image of images) {
    const { data } = await sharp(image)
      .resize(w, h, { fit: 'contain', background: '#808080' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
    const frame = toI420(data, w, h)
    for (let i = 0; i < opts.framesEach; i++) chunks.push(Buffer.from('FRAME\n'), frame)
  }
  writeFileSync(file, Buffer.concat(chunks))
}

/** RGB to planar Y, U, V (BT.601, full range as JPEG uses), chroma averaged over 2×2. */
function toI420(rgb: Buffer, w: number, h: number): Buffer {
  const y = Buffer.alloc(w * h)
  const u = Buffer.alloc((w / 2) * (h / 2))
  const v = Buffer.alloc((w / 2) * (h / 2))
  const clamp = (x: number) => Math.max(0, Math.min(255, Math.round(x)))
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const p = (j * w + i) * 3
      y[j * w + i] = clamp(0.299 * rgb[p]! + 0.587 * rgb[p + 1]! + 0.114 * rgb[p + 2]!)
    }
  }
  for (let j = 0; j < h; j += 2) {
    for (let i = 0; i < w; i += 2) {
      let r = 0
      let g = 0
      let b = 0
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const p = ((j + dy) * w + i + dx) * 3
        r += rgb[p]!
        g += rgb[p + 1]!
        b += rgb[p + 2]!
      }
      r /= 4
      g /= 4
      b /= 4
      const k = (j / 2) * (w / 2) + i / 2
      u[k] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)
      v[k] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)
    }
  }
  return Buffer.concat([y, u, v])
}
