import type { Point } from './geometry.js'

/**
 * 68 landmarks of a schematic face, for tests of pose and liveness rules: eyes 60 px
 * apart, `eyeOpen` the eyelid opening over eye width (about 0.3 open, 0.1 closed), `yaw`
 * the nose's sideways offset as a fraction of the eye distance.
 */
export function syntheticLandmarks(opts: { eyeOpen?: number; yaw?: number; rollDeg?: number } = {}): Point[] {
  const { eyeOpen = 0.3, yaw = 0, rollDeg = 0 } = opts
  const p: Point[] = Array.from({ length: 68 }, () => [100, 100] as Point)
  const eye = (first: number, cx: number, cy: number) => {
    const w = 24
    const h = eyeOpen * w
    p[first] = [cx - w / 2, cy]
    p[first + 1] = [cx - w / 6, cy - h / 2]
    p[first + 2] = [cx + w / 6, cy - h / 2]
    p[first + 3] = [cx + w / 2, cy]
    p[first + 4] = [cx + w / 6, cy + h / 2]
    p[first + 5] = [cx - w / 6, cy + h / 2]
  }
  eye(36, 70, 100)
  eye(42, 130, 100)
  p[30] = [100 + yaw * 60, 100 + 0.55 * 60]
  p[48] = [75, 160]
  p[60] = [78, 160]
  p[54] = [125, 160]
  p[64] = [122, 160]
  if (rollDeg === 0) return p
  const a = (rollDeg * Math.PI) / 180
  return p.map(
    ([x, y]): Point => [
      100 + (x - 100) * Math.cos(a) - (y - 100) * Math.sin(a),
      100 + (x - 100) * Math.sin(a) + (y - 100) * Math.cos(a),
    ],
  )
}
