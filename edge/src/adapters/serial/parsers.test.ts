import { describe, expect, it } from 'vitest'
import { formatEm4100 } from '../../domain/credentials/cardNumber.js'
import { formatWiegand } from './devices.js'
import { Em4100Parser, encodeEm4100 } from './em4100.js'
import { encodeGm65, GM65_ACK, Gm65Parser } from './gm65.js'
import { GOLDEN } from './golden.fixture.js'
import type { FrameParser } from './parserStats.js'
import { encodeR307, PID, R307Parser } from './r307Packet.js'
import { decodeWiegand, encodeWiegandBits, encodeWiegandFrame, WiegandParser } from './wiegand.js'

function run<F>(parser: FrameParser<F>, ...chunks: Buffer[]): F[] {
  const out: F[] = []
  parser.on('data', (f: F) => out.push(f))
  for (const c of chunks) parser.write(c)
  return out
}

describe('EM4100', () => {
  it('reads the RDM6300 datasheet frame and the 13-byte clone, and writes them back byte for byte', () => {
    expect(run(new Em4100Parser(), GOLDEN.rdm6300.bytes, GOLDEN.em4100Binary.bytes)).toEqual([
      { card: '62E3086CED', variant: 'asciiChecksum' },
      { card: '62E3086CED', variant: 'binaryChecksum' },
    ])
    expect(encodeEm4100('62E3086CED', 'asciiChecksum')).toEqual(GOLDEN.rdm6300.bytes)
    expect(encodeEm4100('62e3086ced', 'binaryChecksum', { crlf: true })).toEqual(GOLDEN.em4100Binary.bytes)
  })

  it('reads a binary checksum that happens to be a start or end byte', () => {
    // 0000000003 has XOR 0x03, the end byte; 0000000002 has XOR 0x02, the start byte
    const frames = run(
      new Em4100Parser(),
      encodeEm4100('0000000003', 'binaryChecksum'),
      encodeEm4100('0000000002', 'binaryChecksum'),
    )
    expect(frames.map((f) => f.card)).toEqual(['0000000003', '0000000002'])
  })

  it('drops and counts bad checksums, bad characters, cut frames and noise, then resyncs', () => {
    const p = new Em4100Parser()
    const good = GOLDEN.rdm6300.bytes
    const frames = run(
      p,
      Buffer.from('noise\r\n'),
      encodeEm4100('0013A8F2AB', 'asciiChecksum', { corruptChecksum: true }),
      good.subarray(0, 6), // cut short by the next frame
      good,
      Buffer.from([0x02, 0x47, 0x30]), // 'G' is not hex
      good,
    )
    expect(frames.map((f) => f.card)).toEqual(['62E3086CED', '62E3086CED'])
    // garbage: the five letters of 'noise', and the '0' left after the bad 'G'
    expect(p.stats()).toMatchObject({ frames: 2, badChecksum: 1, partial: 1, badChar: 1, garbage: 6 })
  })

  // found by test/fuzz/serialParsers.test.ts: the next frame's start byte was taken for a
  // binary checksum, and that frame lost
  it('reads a frame that follows one cut short right after its data', () => {
    for (const variant of ['asciiChecksum', 'binaryChecksum'] as const) {
      const p = new Em4100Parser(variant)
      const cut = encodeEm4100('00A0AA0000', variant).subarray(0, 11)
      const frames = run(p, cut, encodeEm4100('62E3086CED', variant))
      expect(frames.map((f) => f.card)).toEqual(['62E3086CED'])
      expect(p.stats()).toMatchObject({ frames: 1, partial: 1 })
    }
  })

  it('keeps to the configured variant', () => {
    const p = new Em4100Parser('asciiChecksum')
    expect(run(p, GOLDEN.em4100Binary.bytes)).toEqual([])
    expect(p.stats()).toMatchObject({ wrongVariant: 1 })
  })

  it('formats card numbers as hex, decimal and W26', () => {
    expect(formatEm4100('0013A8F2AB', 'hex10')).toBe('0013A8F2AB')
    expect(formatEm4100('0013A8F2AB', 'dec10')).toBe('0329839275') // 0x13A8F2AB
    expect(formatEm4100('000063' + '03E7', 'w26')).toBe('099,00999')
  })
})

describe('Wiegand', () => {
  it('matches the W26 facility 99 / card 999 example, bits and frame', () => {
    expect(encodeWiegandBits(26, 99, 999)).toBe(GOLDEN.w26.bits)
    expect(encodeWiegandFrame(26, 99, 999)).toEqual(GOLDEN.w26.bytes)
    const [f] = run(new WiegandParser(), GOLDEN.w26.bytes)
    expect(f).toEqual({ bits: 26, facility: 99, card: 999, data: 0x6303e7 })
    expect(formatWiegand(f!, 'w26')).toBe('099,00999')
    expect(formatWiegand(f!, 'dec10')).toBe('0006489063')
  })

  it('reads W34, and refuses a flipped bit by its parity', () => {
    const [f] = run(new WiegandParser(), encodeWiegandFrame(34, 1234, 56789))
    expect(f).toMatchObject({ bits: 34, facility: 1234, card: 56789 })
    expect(formatWiegand(f!, 'w26')).toBe('01234,56789')
    expect(decodeWiegand(26, GOLDEN.w26.bits ^ (1n << 5n))).toBeUndefined()
    expect(decodeWiegand(26, GOLDEN.w26.bits ^ (1n << 20n))).toBeUndefined()
  })

  it('drops a bad checksum and a wrong bit count, and finds the next frame', () => {
    const p = new WiegandParser()
    const frames = run(
      p,
      encodeWiegandFrame(26, 1, 2, { corruptChecksum: true }),
      Buffer.from([0x02, 0x19]),
      GOLDEN.w26.bytes,
    )
    expect(frames.map((f) => f.card)).toEqual([999])
    // the bad frame's own bytes are searched for a start byte too: its payload 02 02 00 04
    // holds two, each heading a wrong bit count, as does 02 19
    expect(p.stats()).toMatchObject({ badChecksum: 1, badLength: 3 })
  })

  // found by test/fuzz/serialParsers.test.ts: a cut frame whose claimed end fell on the next
  // frame's end byte took that frame with it when the checksum failed
  it('finds a frame inside a cut one that failed its checksum', () => {
    const p = new WiegandParser()
    const frames = run(
      p,
      Buffer.from([0x02, 0x1a, 0x00, 0x00, 0x00]),
      Buffer.from([0x02, 0x1a, 0x03]),
      GOLDEN.w26.bytes,
    )
    expect(frames.map((f) => [f.facility, f.card])).toEqual([[99, 999]])
    expect(p.stats()).toMatchObject({ frames: 1, badChecksum: 1 })
  })
})

describe('R307 packets', () => {
  it('builds VfyPwd exactly as the manual prints it, and reads an acknowledgement', () => {
    expect(encodeR307(PID.command, Uint8Array.from([0x13, 0, 0, 0, 0]))).toEqual(GOLDEN.r307VerifyPassword)
    expect(run(new R307Parser(), Buffer.from([0x55, 0xef]), GOLDEN.r307AckOk)).toEqual([
      { address: 0xffffffff, pid: PID.ack, payload: Buffer.from([0x00]) },
    ])
  })

  it('drops a bad checksum and recovers on the next header', () => {
    const p = new R307Parser()
    const frames = run(
      p,
      encodeR307(PID.ack, Uint8Array.from([0x09]), 0xffffffff, { corruptChecksum: true }),
      GOLDEN.r307AckOk,
    )
    expect(frames).toHaveLength(1)
    expect(p.stats()).toMatchObject({ badChecksum: 1 })
  })
})

describe('GM65 QR', () => {
  const opts = { prefix: '', suffix: '', terminator: 'CR', maxLength: 64 } as const

  it('reads UTF-8 codes split across chunks, skipping command acknowledgements', () => {
    const b = GOLDEN.gm65.bytes
    const frames = run(new Gm65Parser(opts), GM65_ACK, b.subarray(0, 2), b.subarray(2)) // splits inside 签
    expect(frames).toEqual([{ text: '签到:act-25' }])
  })

  it('checks prefix and suffix, and drops broken UTF-8, control noise and overlong lines', () => {
    const framed = { ...opts, prefix: 'EJ>', suffix: '<', terminator: 'CRLF' } as const
    const p = new Gm65Parser(framed)
    const frames = run(
      p,
      encodeGm65('token-1', framed),
      Buffer.from('token-2\r\n'), // no prefix: not from our scanner setup
      Buffer.concat([Buffer.from('EJ>'), Buffer.from([0xe7, 0xad]), Buffer.from('<\r\n')]), // cut multibyte
      Buffer.from('EJ>a\u0007b<\r\n'),
      Buffer.from(`EJ>${'x'.repeat(200)}<\r\n`),
      encodeGm65('签到', framed),
    )
    expect(frames.map((f) => f.text)).toEqual(['token-1', '签到'])
    expect(p.stats()).toMatchObject({ badFraming: 1, badEncoding: 1, controlChars: 1, overlong: 1 })
  })
})
