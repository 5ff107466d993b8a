import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { CodedError } from '@ejia/platform'
import ort from 'onnxruntime-node'

export class FaceModelError extends CodedError<'modelMissing' | 'modelInvalid' | 'modelUnsupported'> {}

export interface LoadedModel {
  session: ort.InferenceSession
  file: string
  /** First 8 hex digits of the file's sha256: part of the model version. */
  hash: string
  inputName: string
  /** Input shape as the model declares it, e.g. [1, 3, 240, 320]. */
  inputShape: number[]
}

/** Loads an ONNX model for CPU inference, with errors that say what to do. */
export async function loadModel(file: string, threads: number): Promise<LoadedModel> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (err) {
    throw new FaceModelError(
      'modelMissing',
      `face model ${file} is missing; run \`npm run models\` (or point face.modelDir at your models)`,
      { cause: err },
    )
  }
  let session: ort.InferenceSession
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    })
  } catch (err) {
    throw new FaceModelError(
      'modelInvalid',
      `face model ${file} cannot be loaded: ${(err as Error).message}`,
      {
        cause: err,
      },
    )
  }
  const meta = session.inputMetadata[0]
  const inputName = session.inputNames[0]
  if (!meta || !inputName || !meta.isTensor)
    throw new FaceModelError('modelUnsupported', `${file} has no tensor input`)
  const inputShape = meta.shape.map((d) => (typeof d === 'number' ? d : 1))
  return {
    session,
    file,
    hash: createHash('sha256').update(bytes).digest('hex').slice(0, 8),
    inputName,
    inputShape,
  }
}

/** Runs a model on one float tensor and returns its outputs by name. */
export async function run(model: LoadedModel, data: Float32Array): Promise<Record<string, Float32Array>> {
  const out = await model.session.run({
    [model.inputName]: new ort.Tensor('float32', data, model.inputShape),
  })
  const result: Record<string, Float32Array> = {}
  for (const [name, t] of Object.entries(out)) result[name] = t.data as Float32Array
  return result
}

/** The input's height and width from an NCHW shape. */
export function inputSize(model: LoadedModel): { width: number; height: number } {
  const [, , height, width] = model.inputShape
  if (!height || !width) throw new FaceModelError('modelUnsupported', `${model.file}: expected an NCHW input`)
  return { width, height }
}

/** The length of a model's first output per item, e.g. 512 for an embedder. */
export function outputLength(model: LoadedModel): number {
  const meta = model.session.outputMetadata[0]
  const last = meta?.isTensor ? meta.shape.at(-1) : undefined
  if (typeof last !== 'number')
    throw new FaceModelError('modelUnsupported', `${model.file}: output size is not fixed`)
  return last
}
