import { normalise } from '../../domain/face/gallery.js'
import {
  ARCFACE_112,
  inverseSimilarity,
  type Point,
  similarityTransform,
} from '../../domain/face/geometry.js'
import { laplacianVariance, type RgbImage, warpToTensor } from '../../domain/face/image.js'
import type { Embedder } from './families.js'
import { inputSize, type LoadedModel, run } from './session.js'

/**
 * ArcFace-style embedders: the face warped by a 5-point similarity transform onto the
 * 112×112 ArcFace template, RGB, (v − 127) / 128; the output is L2-normalised.
 * Sharpness is the variance of the Laplacian (Pech-Pacheco et al. 2000) of that face.
 */
export class ArcFaceEmbedder implements Embedder {
  readonly size: number

  constructor(
    private readonly model: LoadedModel,
    outputSize: number,
  ) {
    this.size = outputSize
  }

  align(img: RgbImage, fivePoints: readonly Point[]): { input: Float32Array; sharpness: number } {
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
    // back to 0..255 gray over eyes, nose and mouth: inside the frame even when a face
    // fills it, so the frame's edge (padding) never reads as detail
    const plane = width * height
    const gray = new Float32Array(plane)
    for (let i = 0; i < plane; i++) {
      const r = (input[i] as number) * 128 + 127
      const g = (input[plane + i] as number) * 128 + 127
      const b = (input[2 * plane + i] as number) * 128 + 127
      gray[i] = 0.299 * r + 0.587 * g + 0.114 * b
    }
    const sx = width / 112
    const sy = height / 112
    const rect = {
      x1: Math.round(28 * sx),
      y1: Math.round(36 * sy),
      x2: Math.round(84 * sx),
      y2: Math.round(100 * sy),
    }
    return { input, sharpness: laplacianVariance(gray, width, height, rect) }
  }

  async embed(input: Float32Array): Promise<Float32Array> {
    const out = Object.values(await run(this.model, input))[0]
    if (!out || out.length !== this.size)
      throw new Error(`embedder must output ${this.size} values, not ${out?.length}`)
    return normalise(out)
  }
}
