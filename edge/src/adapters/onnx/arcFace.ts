import { normalise } from '../../domain/face/gallery.js'
import {
  ARCFACE_112,
  inverseSimilarity,
  type Point,
  similarityTransform,
} from '../../domain/face/geometry.js'
import { type RgbImage, warpToTensor } from '../../domain/face/image.js'
import type { Embedder } from './families.js'
import { inputSize, type LoadedModel, run } from './session.js'

/**
 * ArcFace-style embedders: the face warped by a 5-point similarity transform onto the
 * 112×112 ArcFace template, RGB, (v − 127) / 128; the output is L2-normalised.
 */
export class ArcFaceEmbedder implements Embedder {
  readonly size: number

  constructor(
    private readonly model: LoadedModel,
    outputSize: number,
  ) {
    this.size = outputSize
  }

  async embed(img: RgbImage, fivePoints: readonly Point[]): Promise<Float32Array> {
    const { width, height } = inputSize(this.model)
    const template = ARCFACE_112.map(([x, y]): Point => [(x * width) / 112, (y * height) / 112])
    const input = warpToTensor(img, inverseSimilarity(similarityTransform(fivePoints, template)), {
      width,
      height,
      channels: 'rgb',
      scale: 1 / 128,
      offset: -127 / 128,
      fill: 0,
    })
    const out = Object.values(await run(this.model, input))[0]
    if (!out || out.length !== this.size)
      throw new Error(`embedder must output ${this.size} values, not ${out?.length}`)
    return normalise(out)
  }
}
