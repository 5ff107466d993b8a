import { once } from 'node:events'
import zlib from 'node:zlib'
import sharp from 'sharp'

/**
 * Images that lie: headers declaring more pixels than the file holds, and real
 * decompression bombs (a few KiB of deflate that inflate to hundreds of MiB).
 */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(buf: Buffer): number {
  let crc = 0xffffffff
  for (const b of buf) crc = (CRC_TABLE[(crc ^ b) & 0xff] as number) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

/** One PNG chunk, with the CRC a decoder checks (PNG spec §5.3). */
function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4)
  head.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([head, body, crc])
}

/** An 8-bit grey PNG of the given size around the given (compressed) image data. */
export function pngWith(width: number, height: number, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 0 // grey
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

/** A PNG that declares width×height but holds a few bytes of pixels. */
export const pngHeaderBomb = (width: number, height: number) =>
  pngWith(width, height, zlib.deflateSync(Buffer.alloc(64)))

/** A real bomb: side×side black pixels, every one of them in the deflate stream (~1 KiB per 1 MP). */
export async function pngZeroBomb(side: number): Promise<Buffer> {
  const deflate = zlib.createDeflate({ level: 9 })
  const parts: Buffer[] = []
  deflate.on('data', (c: Buffer) => parts.push(c))
  const row = Buffer.alloc(side + 1) // filter byte 0, then the row
  for (let y = 0; y < side; y++) if (!deflate.write(row)) await once(deflate, 'drain')
  deflate.end()
  await once(deflate, 'end')
  return pngWith(side, side, Buffer.concat(parts))
}

/** A real JPEG whose frame header (SOF0/SOF2, ITU T.81 §B.2.2) is changed to declare width×height. */
export function jpegDeclaring(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg)
  for (let i = 2; i + 9 < out.length; ) {
    if (out[i] !== 0xff) throw new Error(`not a marker at ${i}`)
    const marker = out[i + 1] as number
    const length = out.readUInt16BE(i + 2)
    if (marker === 0xc0 || marker === 0xc2) {
      out.writeUInt16BE(height, i + 5)
      out.writeUInt16BE(width, i + 7)
      return out
    }
    i += 2 + length
  }
  throw new Error('no frame header')
}

const solid = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: { r: 200, g: 60, b: 30, alpha: 0.5 } } })

/** Good images of every kind a kiosk or a phone sends, with what a reader must make of them. */
export async function imagePool() {
  const noisy = await sharp(Buffer.from(Array.from({ length: 120 * 90 * 3 }, (_, i) => (i * 37) % 251)), {
    raw: { width: 120, height: 90, channels: 3 },
  })
    .png()
    .toBuffer()
  return [
    {
      name: 'jpeg 640×480',
      bytes: await solid(640, 480).jpeg().toBuffer(),
      format: 'jpeg',
      width: 640,
      height: 480,
    },
    {
      name: 'jpeg, EXIF portrait',
      bytes: await solid(300, 200).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
      format: 'jpeg',
      width: 200,
      height: 300,
    },
    {
      name: 'progressive jpeg',
      bytes: await solid(200, 150).jpeg({ progressive: true }).toBuffer(),
      format: 'jpeg',
      width: 200,
      height: 150,
    },
    {
      name: 'png with alpha',
      bytes: await solid(80, 80, 4).png().toBuffer(),
      format: 'png',
      width: 80,
      height: 80,
    },
    { name: 'noisy png', bytes: noisy, format: 'png', width: 120, height: 90 },
    {
      name: 'grey png',
      bytes: await solid(100, 70).greyscale().png().toBuffer(),
      format: 'png',
      width: 100,
      height: 70,
    },
    { name: 'webp', bytes: await solid(100, 100).webp().toBuffer(), format: 'webp', width: 100, height: 100 },
    {
      name: 'tiny jpeg',
      bytes: await solid(16, 16).jpeg().toBuffer(),
      format: 'jpeg',
      width: 16,
      height: 16,
    },
  ] as const
}
