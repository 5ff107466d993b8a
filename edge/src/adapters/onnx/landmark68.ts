import { type Box, boxHeight, boxWidth, type Point } from '../../domain/face/geometry.js'
import { type RgbImage, rectToOutput, warpToTensor } from '../../domain/face/image.js'
import type { LandmarkModel } from './families.js'
import { inputSize, type LoadedModel, run } from './session.js'

/**
 * A 68-point landmark regressor on the detector's box: gray input (v / 256), output 136
 * values, x and y as fractions of the box.
 */
export class Landmark68 implements LandmarkModel {
  constructor(private readonly model: LoadedModel) {}

  async landmarks(img: RgbImage, face: Box): Promise<Point[]> {
    const { width, height } = inputSize(this.model)
    const w = boxWidth(face)
    const h = boxHeight(face)
    const input = warpToTensor(img, rectToOutput(face.x1, face.y1, w, h, width, height), {
      width,
      height,
      channels: 'gray',
      scale: 1 / 256,
      offset: 0,
      fill: 0,
    })
    const out = Object.values(await run(this.model, input))[0]
    if (out?.length !== 136) throw new Error(`landmark model must output 136 values, not ${out?.length}`)
    const points: Point[] = []
    for (let i = 0; i < 68; i++)
      points.push([(out[2 * i] as number) * w + face.x1, (out[2 * i + 1] as number) * h + face.y1])
    return points
  }
}
