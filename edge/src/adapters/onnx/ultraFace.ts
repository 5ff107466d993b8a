import { type Box, nms } from '../../domain/face/geometry.js'
import { type RgbImage, warpToTensor } from '../../domain/face/image.js'
import type { FaceDetector } from './families.js'
import { inputSize, type LoadedModel, run } from './session.js'

/**
 * UltraFace (Linzaer, "Ultra-Light-Fast-Generic-Face-Detector-1MB", RFB-320): RGB,
 * (v − 127) / 128, outputs `scores` [1, N, 2] and `boxes` [1, N, 4] already decoded to
 * corners in 0..1 of the input.
 *
 * The frame is letterboxed into the input (no stretching). A frame that a face fills edge
 * to edge (a 150×150 ID-style crop) gives the detector too little context, so when the
 * first pass finds nothing in a small frame, a second pass zooms out with padding; a
 * small frame is scaled up rather than left tiny.
 */
export class UltraFaceDetector implements FaceDetector {
  readonly inputSize: { width: number; height: number }

  constructor(
    private readonly model: LoadedModel,
    private readonly opts: { threshold: number; iou: number } = { threshold: 0.7, iou: 0.3 },
  ) {
    this.inputSize = inputSize(model)
  }

  get threshold(): number {
    return this.opts.threshold
  }

  async detect(img: RgbImage, minScore = this.opts.threshold): Promise<Box[]> {
    const first = await this.pass(img, 0, minScore)
    const small = img.width < this.inputSize.width * 2 && img.height < this.inputSize.height * 2
    if (first.length > 0 || !small) return first
    return this.pass(img, 1, minScore)
  }

  /** One detection pass, the frame centred in a canvas `pad` × its size larger. */
  private async pass(img: RgbImage, pad: number, minScore: number): Promise<Box[]> {
    const { width: W, height: H } = this.inputSize
    let cw = img.width * (1 + pad)
    let ch = img.height * (1 + pad)
    if (cw / ch > W / H) ch = (cw * H) / W
    else cw = (ch * W) / H
    const ox = (cw - img.width) / 2
    const oy = (ch - img.height) / 2
    const s = cw / W
    const input = warpToTensor(img, [s, 0, -ox, 0, s, -oy], {
      width: W,
      height: H,
      channels: 'rgb',
      scale: 1 / 128,
      offset: -127 / 128,
      fill: 127,
    })
    const out = await run(this.model, input)
    const scores = out.scores
    const boxes = out.boxes
    if (!scores || !boxes) throw new Error('UltraFace model must output `scores` and `boxes`')
    const found: Box[] = []
    const n = scores.length / 2
    for (let i = 0; i < n; i++) {
      const score = scores[i * 2 + 1] as number
      if (score < minScore) continue
      found.push({
        x1: (boxes[i * 4] as number) * cw - ox,
        y1: (boxes[i * 4 + 1] as number) * ch - oy,
        x2: (boxes[i * 4 + 2] as number) * cw - ox,
        y2: (boxes[i * 4 + 3] as number) * ch - oy,
        score,
      })
    }
    return nms(found, this.opts.iou)
  }
}
