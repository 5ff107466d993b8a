import type { Box } from '../../domain/face/geometry.js'
import type { RgbImage } from '../../domain/face/image.js'
import type { FaceAnalysis, FaceEngine, ObservedFace, QualityIssue } from '../../ports/faceEngine.js'

const zeroTimings = { detect: 0, landmarks: 0, align: 0, embed: 0, liveness: 0, total: 0 }

/**
 * A face engine for tests. A frame's first byte says what the "camera" sees: 0 is no
 * face, a key of `faces` is that face (its embedding), a key of `issues` is a bad frame
 * (too dark, several faces, …). The second byte, over 255 × liveness, is the liveness score.
 * In a group photo (`detectFaces`), every pixel whose first byte is a key of `faces` is a face.
 */
export class FakeFaceEngine implements FaceEngine {
  readonly modelVersion = 'fake-1'

  constructor(
    private readonly faces: ReadonlyMap<number, Float32Array>,
    private readonly issues: ReadonlyMap<number, QualityIssue> = new Map(),
    readonly embeddingSize = 8,
  ) {}

  async analyse(frame: RgbImage, opts: { liveness?: boolean } = {}): Promise<FaceAnalysis> {
    const key = frame.data[0] ?? 0
    const issue = key === 0 ? 'noFace' : this.issues.get(key)
    const embedding = this.faces.get(key)
    if (issue || !embedding)
      return { ok: false, issue: issue ?? 'noFace', faces: key === 0 ? 0 : 1, timings: zeroTimings }
    const box: Box = { x1: 0, y1: 0, x2: frame.width, y2: frame.height, score: 0.99 }
    const face: ObservedFace = {
      box,
      landmarks: [],
      pose: { yaw: 0, pitch: 0, rollDeg: 0 },
      brightness: 128,
      sharpness: 100,
    }
    const liveness = opts.liveness ? (frame.data[1] ?? 255) / 255 : null
    return { ok: true, face, embedding, liveness, faces: 1, timings: zeroTimings }
  }

  async detectFaces(frame: RgbImage): Promise<Box[]> {
    const boxes: Box[] = []
    for (let i = 0; i < frame.width * frame.height; i++) {
      if (!this.faces.has(frame.data[i * 3] ?? 0)) continue
      const x = i % frame.width
      const y = Math.floor(i / frame.width)
      boxes.push({ x1: x, y1: y, x2: x + 1, y2: y + 1, score: 0.99 })
    }
    return boxes
  }

  async close(): Promise<void> {}
}
