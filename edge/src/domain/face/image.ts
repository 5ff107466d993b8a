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
  const { width: W, height: H } = spec
  const planes = spec.channels === 'gray' ? 1 : 3
  const t = out ?? new Float32Array(planes * W * H)
  const [a, b, c, d, e, f] = map
  const sw = src.width
  const sh = src.height
  const px = src.data
  const plane = W * H
  const bgr = spec.channels === 'bgr'
  const fill = spec.fill
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // sample at pixel centres
      const sx = a * (x + 0.5) + b * (y + 0.5) + c - 0.5
      const sy = d * (x + 0.5) + e * (y + 0.5) + f - 0.5
      let r = fill
      let g = fill
      let bl = fill
      if (sx > -1 && sy > -1 && sx < sw && sy < sh) {
        const x0 = Math.floor(sx)
        const y0 = Math.floor(sy)
        const fx = sx - x0
        const fy = sy - y0
        const xa = Math.max(x0, 0)
        const ya = Math.max(y0, 0)
        const xb = x0 + 1 >= sw ? sw - 1 : x0 + 1
        const yb = y0 + 1 >= sh ? sh - 1 : y0 + 1
        const i00 = (ya * sw + xa) * 3
        const i01 = (ya * sw + xb) * 3
        const i10 = (yb * sw + xa) * 3
        const i11 = (yb * sw + xb) * 3
        const w00 = (1 - fx) * (1 - fy)
        const w01 = fx * (1 - fy)
        const w10 = (1 - fx) * fy
        const w11 = fx * fy
        r =
          (px[i00] as number) * w00 +
          (px[i01] as number) * w01 +
          (px[i10] as number) * w10 +
          (px[i11] as number) * w11
        g =
          (px[i00 + 1] as number) * w00 +
          (px[i01 + 1] as number) * w01 +
          (px[i10 + 1] as number) * w10 +
          (px[i11 + 1] as number) * w11
        bl =
          (px[i00 + 2] as number) * w00 +
          (px[i01 + 2] as number) * w01 +
          (px[i10 + 2] as number) * w10 +
          (px[i11 + 2] as number) * w11
      }
      const o = y * W + x
      if (planes === 1) {
        t[o] = (0.299 * r + 0.587 * g + 0.114 * bl) * spec.scale + spec.offset
      } else {
        t[o] = (bgr ? bl : r) * spec.scale + spec.offset
        t[plane + o] = g * spec.scale + spec.offset
        t[2 * plane + o] = (bgr ? r : bl) * spec.scale + spec.offset
      }
    }
  }
  return t
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
