import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { decide, type SecurityLevel } from '../../domain/face/decision.js'
import { cosine, FaceGallery, meanTemplate } from '../../domain/face/gallery.js'
import type { RgbImage } from '../../domain/face/image.js'
import type { FaceEngine } from '../../ports/faceEngine.js'

export interface Spread {
  min: number
  p50: number
  max: number
}

export interface EvaluationReport {
  modelVersion: string
  level: SecurityLevel
  enrol: number
  identities: number
  /** Photos the pipeline could not use (no face, or a quality gate), left out of the counts. */
  unusable: { file: string; issue: string }[]
  /** Probes whose nearest enrolled person is the right one. */
  rank1: number
  probes: number
  /** Probes of enrolled people the decision at `level` did not accept as themselves. */
  falseRejects: number
  genuine: Spread
  impostor: Spread
  /** Each person left out of the gallery in turn: how often their photos were accepted as someone else. */
  strangerFalseAccepts: number
  strangerProbes: number
}

const IMAGE = /\.(jpe?g|png|webp)$/i

/**
 * Identification on a folder laid out one sub-folder per person (`faces/<name>/*.png`):
 * enrol each person from their first `enrol` photos (in name order), identify the rest,
 * then leave each person out of the gallery and count their photos wrongly accepted.
 */
export async function evaluateIdentification(
  dir: string,
  engine: FaceEngine,
  decode: (file: string) => Promise<RgbImage>,
  opts: { enrol: number; level: SecurityLevel },
): Promise<EvaluationReport> {
  const people = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
  const unusable: EvaluationReport['unusable'] = []
  const embedded = new Map<string, Float32Array[]>()
  for (const person of people) {
    const files = (await readdir(join(dir, person))).filter((f) => IMAGE.test(f)).sort()
    const list: Float32Array[] = []
    for (const f of files) {
      const file = join(dir, person, f)
      const a = await engine.analyse(await decode(file))
      if (a.ok) list.push(a.embedding)
      else unusable.push({ file: join(person, f), issue: a.issue })
    }
    if (list.length > opts.enrol) embedded.set(person, list)
  }
  if (embedded.size < 2)
    throw new RangeError(`${dir} needs at least two people with more than ${opts.enrol} usable photos`)

  const gallery = new FaceGallery(engine.embeddingSize)
  const templates = new Map<string, Float32Array>()
  for (const [person, list] of embedded) {
    const t = meanTemplate(list.slice(0, opts.enrol))
    templates.set(person, t)
    gallery.upsert(person, t)
  }

  const genuine: number[] = []
  const impostor: number[] = []
  let rank1 = 0
  let probes = 0
  let falseRejects = 0
  for (const [person, list] of embedded) {
    for (const probe of list.slice(opts.enrol)) {
      probes++
      const result = gallery.search(probe)
      if (result.best?.personId === person) rank1++
      const d = decide(result, opts.level)
      if (d.kind !== 'match' || d.personId !== person) falseRejects++
      for (const [other, t] of templates) (other === person ? genuine : impostor).push(cosine(probe, t))
    }
  }

  let strangerFalseAccepts = 0
  let strangerProbes = 0
  for (const [person, list] of embedded) {
    for (const probe of list) {
      strangerProbes++
      if (decide(gallery.search(probe, person), opts.level).kind === 'match') strangerFalseAccepts++
    }
  }

  return {
    modelVersion: engine.modelVersion,
    level: opts.level,
    enrol: opts.enrol,
    identities: embedded.size,
    unusable,
    rank1: round(rank1 / probes),
    probes,
    falseRejects,
    genuine: spread(genuine),
    impostor: spread(impostor),
    strangerFalseAccepts,
    strangerProbes,
  }
}

function spread(values: number[]): Spread {
  const s = [...values].sort((a, b) => a - b)
  return { min: round(s[0] ?? 0), p50: round(s[Math.floor(s.length / 2)] ?? 0), max: round(s.at(-1) ?? 0) }
}

const round = (n: number) => Math.round(n * 1000) / 1000
