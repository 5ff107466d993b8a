import type { Frame } from '../../ports/camera.js'
import type { FaceEngine, FaceMatch, FaceProbe } from '../../ports/faceEngine.js'

/**
 * A face engine for tests: a frame's first pixel byte picks which of the test's embeddings
 * it "contains" (0 means no face), and matching is real cosine similarity with the
 * threshold and margin rules of the real engine.
 */
export class FakeFaceEngine implements FaceEngine {
  readonly modelVersion = 'fake-1'
  private readonly gallery = new Map<string, Float32Array>()

  constructor(
    private readonly faces: ReadonlyMap<number, Float32Array>,
    private readonly opts: { threshold: number; margin: number } = { threshold: 0.5, margin: 0.05 },
  ) {}

  async probe(frame: Frame): Promise<FaceProbe> {
    const embedding = this.faces.get(frame.data[0] ?? 0)
    if (!embedding) return { ok: false, issue: 'noFace' }
    return { ok: true, box: { x: 0, y: 0, width: frame.width, height: frame.height, score: 0.99 }, embedding }
  }

  identify(embedding: Float32Array): FaceMatch {
    const scores = [...this.gallery].map(([personId, t]) => ({ personId, score: cosine(embedding, t) }))
    scores.sort((a, b) => b.score - a.score)
    const [best, second] = scores
    if (!best || best.score < this.opts.threshold)
      return { decision: 'stranger', bestScore: best?.score ?? 0 }
    const margin = best.score - (second?.score ?? -1)
    if (margin < this.opts.margin) return { decision: 'stranger', bestScore: best.score }
    return { decision: 'match', personId: best.personId, score: best.score, margin }
  }

  async enrol(personId: string, embedding: Float32Array): Promise<void> {
    this.gallery.set(personId, embedding)
  }

  async forget(personId: string): Promise<boolean> {
    return this.gallery.delete(personId)
  }
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0
    const y = b[i] ?? 0
    dot += x * y
    na += x * x
    nb += y * y
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb)
}
