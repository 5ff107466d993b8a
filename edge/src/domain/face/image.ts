/** An 8-bit RGB image, row-major, no padding. Camera frames are these. */
export interface RgbImage {
  width: number
  height: number
  data: Uint8Array
}

/**
 * Where an output pixel (x, y) comes from in the source: sx = a·x + b·y + c, sy = d·x + e·y + f.
 * Every crop, resize, letterbox and alignment warp the pipeline needs is one of these.
 */
export type Affine = readonly [a: number, b: number, c: number, d: number, e: number, f: number]

export interface TensorSpec {
  width: number
  height: number
  /** Channel layout of the planar (NCHW) tensor: rgb, bgr, or one gray plane. */
  channels: 'rgb' | 'bgr' | 'gray'
  /** Pixel value (0..255) to tensor value. */
  scale: number
  offset: number
  /** Value of pixels that fall outside the source, before scaling (letterbox padding). */
  fill: number
}

/**
 * Samples `src` through `map` into a planar float tensor, bilinearly. One pass, no
 * intermediate images: this is the hot path of the face pipeline.
 */
export function warpToTensor(src: RgbImage, map: Affine, spec: TensorSpec, out?: Float32Array): Float32Array {
  const planes = spec.channels === 'gray' ? 1 : 3
  const t = out ?? new Float32Array(planes * spec.width * spec.height)
  // crops, resizes and letterboxes have no rotation: sample rows and columns separately
  if (map[1] === 0 && map[3] === 0) warpAxisAligned(src, map, spec, t)
  else warpGeneral(src, map, spec, t)
  return t
}

/**
 * Where each source channel goes in the tensor: plane offsets of R, G and B, or -1 with
 * `gray` to blend them into one plane (ITU-R BT.601 weights).
 */
function layout(spec: TensorSpec): { r: number; g: number; b: number; gray: boolean } {
  const plane = spec.width * spec.height
  if (spec.channels === 'gray') return { r: 0, g: 0, b: 0, gray: true }
  return spec.channels === 'rgb'
    ? { r: 0, g: plane, b: 2 * plane, gray: false }
    : { r: 2 * plane, g: plane, b: 0, gray: false }
}

interface Output {
  ro: number
  go: number
  bo: number
  gray: boolean
  scale: number
  offset: number
}

function outputOf(spec: TensorSpec): Output {
  const l = layout(spec)
  return { ro: l.r, go: l.g, bo: l.b, gray: l.gray, scale: spec.scale, offset: spec.offset }
}

/** Bilinear blend of four source pixels, normalised and written to output pixel `o`. */
function sample(
  px: Uint8Array,
  i00: number,
  i01: number,
  i10: number,
  i11: number,
  fx: number,
  fy: number,
  t: Float32Array,
  o: number,
  out: Output,
): void {
  const w00 = (1 - fx) * (1 - fy)
  const w01 = fx * (1 - fy)
  const w10 = (1 - fx) * fy
  const w11 = fx * fy
  const r =
    (px[i00] as number) * w00 +
    (px[i01] as number) * w01 +
    (px[i10] as number) * w10 +
    (px[i11] as number) * w11
  const g =
    (px[i00 + 1] as number) * w00 +
    (px[i01 + 1] as number) * w01 +
    (px[i10 + 1] as number) * w10 +
    (px[i11 + 1] as number) * w11
  const b =
    (px[i00 + 2] as number) * w00 +
    (px[i01 + 2] as number) * w01 +
    (px[i10 + 2] as number) * w10 +
    (px[i11 + 2] as number) * w11
  if (out.gray) {
    t[o] = (0.299 * r + 0.587 * g + 0.114 * b) * out.scale + out.offset
  } else {
    t[o + out.ro] = r * out.scale + out.offset
    t[o + out.go] = g * out.scale + out.offset
    t[o + out.bo] = b * out.scale + out.offset
  }
}

/** Writes the padding value at output pixel `o`. */
function fillPixel(spec: TensorSpec, t: Float32Array, o: number): void {
  const v = spec.fill * spec.scale + spec.offset
  const l = layout(spec)
  t[o + l.r] = v
  if (!l.gray) {
    t[o + l.g] = v
    t[o + l.b] = v
  }
}

interface Taps {
  lo: Int32Array
  hi: Int32Array
  frac: Float32Array
  inside: Uint8Array
}

/** Neighbours and weights along one axis: sample k (pixel centre) at scale·(k+½)+shift−½. */
function taps(n: number, scale: number, shift: number, size: number): Taps {
  const lo = new Int32Array(n)
  const hi = new Int32Array(n)
  const frac = new Float32Array(n)
  const inside = new Uint8Array(n)
  for (let k = 0; k < n; k++) {
    const s = scale * (k + 0.5) + shift - 0.5
    const s0 = Math.floor(s)
    inside[k] = s > -1 && s < size ? 1 : 0
    lo[k] = Math.min(size - 1, Math.max(0, s0))
    hi[k] = Math.min(size - 1, Math.max(0, s0 + 1))
    frac[k] = s - s0
  }
  return { lo, hi, frac, inside }
}

function warpAxisAligned(src: RgbImage, map: Affine, spec: TensorSpec, t: Float32Array): void {
  const W = spec.width
  const sw = src.width
  const px = src.data
  const cols = taps(W, map[0], map[2], sw)
  const rows = taps(spec.height, map[4], map[5], src.height)
  const out = outputOf(spec)
  for (let y = 0; y < spec.height; y++) {
    const r0 = (rows.lo[y] as number) * sw
    const r1 = (rows.hi[y] as number) * sw
    const fy = rows.frac[y] as number
    const rowIn = rows.inside[y] === 1
    for (let x = 0; x < W; x++) {
      const o = y * W + x
      if (!rowIn || cols.inside[x] !== 1) {
        fillPixel(spec, t, o)
        continue
      }
      const c0 = cols.lo[x] as number
      const c1 = cols.hi[x] as number
      const fx = cols.frac[x] as number
      sample(px, (r0 + c0) * 3, (r0 + c1) * 3, (r1 + c0) * 3, (r1 + c1) * 3, fx, fy, t, o, out)
    }
  }
}

function warpGeneral(src: RgbImage, map: Affine, spec: TensorSpec, t: Float32Array): void {
  const { width: W, height: H } = spec
  const [ma, mb, mc, md, me, mf] = map
  const sw = src.width
  const sh = src.height
  const px = src.data
  const out = outputOf(spec)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // sample at pixel centres
      const sx = ma * (x + 0.5) + mb * (y + 0.5) + mc - 0.5
      const sy = md * (x + 0.5) + me * (y + 0.5) + mf - 0.5
      const o = y * W + x
      if (!(sx > -1 && sy > -1 && sx < sw && sy < sh)) {
        fillPixel(spec, t, o)
        continue
      }
      const x0 = Math.floor(sx)
      const y0 = Math.floor(sy)
      const xa = Math.max(x0, 0)
      const ya = Math.max(y0, 0)
      const xb = x0 + 1 >= sw ? sw - 1 : x0 + 1
      const yb = y0 + 1 >= sh ? sh - 1 : y0 + 1
      sample(
        px,
        (ya * sw + xa) * 3,
        (ya * sw + xb) * 3,
        (yb * sw + xa) * 3,
        (yb * sw + xb) * 3,
        sx - x0,
        sy - y0,
        t,
        o,
        out,
      )
    }
  }
}

/** The affine map that shows the source rectangle (x, y, w, h) in a W×H output. */
export function rectToOutput(x: number, y: number, w: number, h: number, W: number, H: number): Affine {
  return [w / W, 0, x, 0, h / H, y]
}

/** Mean luminance (0..255) over a rectangle, on a coarse grid: cheap and good enough for a gate. */
export function meanLuminance(
  src: RgbImage,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  grid = 24,
): number {
  let sum = 0
  let n = 0
  for (let j = 0; j < grid; j++) {
    const y = Math.round(y1 + ((j + 0.5) * (y2 - y1)) / grid)
    if (y < 0 || y >= src.height) continue
    for (let i = 0; i < grid; i++) {
      const x = Math.round(x1 + ((i + 0.5) * (x2 - x1)) / grid)
      if (x < 0 || x >= src.width) continue
      const k = (y * src.width + x) * 3
      sum +=
        0.299 * (src.data[k] as number) +
        0.587 * (src.data[k + 1] as number) +
        0.114 * (src.data[k + 2] as number)
      n++
    }
  }
  return n === 0 ? 0 : sum / n
}

/**
 * Sharpness as the variance of the Laplacian of a gray plane (Pech-Pacheco et al. 2000):
 * low values mean blur. Measured over `rect` of the plane (default: all of it but the
 * border pixels).
 */
export function laplacianVariance(
  gray: Float32Array,
  width: number,
  height: number,
  rect: { x1: number; y1: number; x2: number; y2: number } = { x1: 1, y1: 1, x2: width - 1, y2: height - 1 },
): number {
  let sum = 0
  let sq = 0
  let n = 0
  for (let y = Math.max(1, rect.y1); y < Math.min(height - 1, rect.y2); y++) {
    for (let x = Math.max(1, rect.x1); x < Math.min(width - 1, rect.x2); x++) {
      const i = y * width + x
      const v =
        (gray[i - width] as number) +
        (gray[i + width] as number) +
        (gray[i - 1] as number) +
        (gray[i + 1] as number) -
        4 * (gray[i] as number)
      sum += v
      sq += v * v
      n++
    }
  }
  const mean = sum / n
  return sq / n - mean * mean
}
