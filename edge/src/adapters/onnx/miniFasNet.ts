import { type Box, boxHeight, boxWidth } from '../../domain/face/geometry.js'
import { type RgbImage, rectToOutput, warpToTensor } from '../../domain/face/image.js'
import type { LivenessModel } from './families.js'
import { inputSize, type LoadedModel, run } from './session.js'

/**
 * Silent-Face-Anti-Spoofing style (MiniFASNet) liveness: the face box enlarged 2.7×
 * (clamped to the frame), BGR, raw 0..255, three classes through softmax. The bundled
 * model's class 0 is "live"; the score is advisory (docs/FACE.md).
 */
export class MiniFasNetLiveness implements LivenessModel {
  constructor(
    private readonly model: LoadedModel,
    private readonly opts: { scale: number; liveClass: number } = { scale: 2.7, liveClass: 0 },
  ) {}

  async score(img: RgbImage, face: Box): Promise<number> {
    const { width, height } = inputSize(this.model)
    const bw = boxWidth(face)
    const bh = boxHeight(face)
    const scale = Math.min((img.height - 1) / bh, (img.width - 1) / bw, this.opts.scale)
    const w = bw * scale
    const h = bh * scale
    const x = Math.max(0, Math.min(img.width - 1 - w, face.x1 + bw / 2 - w / 2))
    const y = Math.max(0, Math.min(img.height - 1 - h, face.y1 + bh / 2 - h / 2))
    const input = warpToTensor(img, rectToOutput(x, y, w, h, width, height), {
      width,
      height,
      channels: 'bgr',
      scale: 1,
      offset: 0,
      fill: 0,
    })
    const logits = Object.values(await run(this.model, input))[0]
    if (!logits || logits.length <= this.opts.liveClass) throw new Error('liveness model output is too short')
    const max = Math.max(...logits)
    const exp = Array.from(logits, (v) => Math.exp(v - max))
    const sum = exp.reduce((a, b) => a + b, 0)
    return (exp[this.opts.liveClass] as number) / sum
  }
}
