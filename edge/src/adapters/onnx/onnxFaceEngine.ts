import { join } from 'node:path'
import type { FaceConfig } from '@ejia/firmware-config'
import { type Box, boxArea, fivePointsFrom68 } from '../../domain/face/geometry.js'
import { meanLuminance, type RgbImage } from '../../domain/face/image.js'
import {
  checkBoxes,
  checkBrightness,
  checkPose,
  checkSharpness,
  poseFrom68,
  type QualityIssue,
  type QualityPolicy,
} from '../../domain/face/quality.js'
import { cropTile, DEFAULT_MERGE, mergeTileDetections, planTiles } from '../../domain/face/tiling.js'
import type { FaceAnalysis, FaceEngine, FaceTimings, ObservedFace } from '../../ports/faceEngine.js'
import { checkFrame } from '../image/decodeImage.js'
import { ArcFaceEmbedder } from './arcFace.js'
import type { Embedder, FaceDetector, LandmarkModel, LivenessModel } from './families.js'
import { Landmark68 } from './landmark68.js'
import { MiniFasNetLiveness } from './miniFasNet.js'
import { defaultModelDir } from './modelCache.js'
import { type LoadedModel, loadModel, outputLength } from './session.js'
import { UltraFaceDetector } from './ultraFace.js'

export interface FaceModels {
  detector: FaceDetector
  landmarks: LandmarkModel
  embedder: Embedder
  liveness: LivenessModel | null
  version: string
  sessions: LoadedModel[]
}

/** Loads the model set a face config names, each through its family's adapter. */
export async function loadFaceModels(cfg: FaceConfig): Promise<FaceModels> {
  const dir = cfg.modelDir === '' ? defaultModelDir() : cfg.modelDir
  const load = (file: string) => loadModel(join(dir, file), cfg.threads)
  const [det, lmk, emb, live] = await Promise.all([
    load(cfg.detector.file),
    load(cfg.landmarks.file),
    load(cfg.embedder.file),
    cfg.liveness.family === 'none' ? Promise.resolve(null) : load(cfg.liveness.file),
  ])
  const parts = [`ultraface:${det.hash}`, `landmark68:${lmk.hash}`, `arcface112:${emb.hash}`]
  if (live) parts.push(`minifasnet:${live.hash}`)
  return {
    detector: new UltraFaceDetector(det, { threshold: cfg.detector.threshold, iou: 0.3 }),
    landmarks: new Landmark68(lmk),
    embedder: new ArcFaceEmbedder(emb, outputLength(emb)),
    liveness: live ? new MiniFasNetLiveness(live, { scale: 2.7, liveClass: cfg.liveness.liveClass }) : null,
    version: parts.join('+'),
    sessions: [det, lmk, emb, ...(live ? [live] : [])],
  }
}

/**
 * The face pipeline on ONNX Runtime (CPU): detect → quality of the boxes → brightness →
 * 68 landmarks → pose → 5-point alignment → sharpness → embedding → liveness. It stops at
 * the first failed gate, so a bad frame costs little, and says why.
 */
export class OnnxFaceEngine implements FaceEngine {
  readonly modelVersion: string
  readonly embeddingSize: number

  constructor(
    private readonly models: FaceModels,
    private readonly policy: QualityPolicy,
  ) {
    this.modelVersion = models.version
    this.embeddingSize = models.embedder.size
  }

  static async load(cfg: FaceConfig, policy: QualityPolicy): Promise<OnnxFaceEngine> {
    return new OnnxFaceEngine(await loadFaceModels(cfg), policy)
  }

  async analyse(frame: RgbImage, opts: { liveness?: boolean } = {}): Promise<FaceAnalysis> {
    checkFrame(frame)
    const t: FaceTimings = { detect: 0, landmarks: 0, align: 0, embed: 0, liveness: 0, total: 0 }
    const start = performance.now()
    let mark = start
    const lap = (stage: Exclude<keyof FaceTimings, 'total'>) => {
      const now = performance.now()
      t[stage] += now - mark
      mark = now
    }
    const fail = (issue: QualityIssue, faces: number, face?: ObservedFace): FaceAnalysis => {
      t.total = performance.now() - start
      return face ? { ok: false, issue, face, faces, timings: t } : { ok: false, issue, faces, timings: t }
    }

    const boxes = (await this.models.detector.detect(frame)).sort((a, b) => boxArea(b) - boxArea(a))
    lap('detect')
    const boxIssue = checkBoxes(boxes, this.policy)
    const main = boxes[0] as Box
    if (boxIssue) return fail(boxIssue, boxes.length)

    const brightness = meanLuminance(frame, main.x1, main.y1, main.x2, main.y2)
    const landmarks = await this.models.landmarks.landmarks(frame, main)
    const pose = poseFrom68(landmarks)
    lap('landmarks')
    const face: ObservedFace = { box: main, landmarks, pose, brightness, sharpness: 0 }
    const lightIssue = checkBrightness(brightness, this.policy) ?? checkPose(pose, this.policy)
    if (lightIssue) return fail(lightIssue, boxes.length, face)

    const aligned = this.models.embedder.align(frame, fivePointsFrom68(landmarks))
    face.sharpness = aligned.sharpness
    lap('align')
    const blurIssue = checkSharpness(face.sharpness, this.policy)
    if (blurIssue) return fail(blurIssue, boxes.length, face)

    const embedding = await this.models.embedder.embed(aligned.input)
    lap('embed')
    const liveness =
      opts.liveness && this.models.liveness ? await this.models.liveness.score(frame, main) : null
    lap('liveness')
    t.total = performance.now() - start
    return { ok: true, face, embedding, liveness, faces: boxes.length, timings: t }
  }

  /**
   * A whole-image pass finds the large faces; tiles of twice the detector input find the
   * small ones of a group photo, which a single pass at 320×240 shrinks to 10–20 px (a
   * 1600 px photo of 20 people has faces of 50–100 px). Tiles run one after another:
   * onnxruntime already uses the threads the config gives it.
   */
  async detectFaces(frame: RgbImage): Promise<Box[]> {
    checkFrame(frame)
    const detector = this.models.detector
    const opts = { ...DEFAULT_MERGE, minScore: detector.threshold }
    opts.weakScore = Math.min(opts.weakScore, opts.minScore)
    const whole = await detector.detect(frame, opts.weakScore)
    const tiles = []
    for (const tile of planTiles(frame.width, frame.height, detector.inputSize))
      tiles.push({ tile, boxes: await detector.detect(cropTile(frame, tile)) })
    return mergeTileDetections(whole, tiles, frame, opts)
  }

  async close(): Promise<void> {
    await Promise.all(this.models.sessions.map((s) => s.session.release()))
  }
}
