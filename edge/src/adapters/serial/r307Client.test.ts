import { Duplex } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { FingerprintError, R307Client } from './r307Client.js'
import { encodeR307, PID } from './r307Packet.js'

/** A module that answers every command with the same acknowledgement payload. */
function moduleAnswering(payload: number[]): Duplex {
  const stream: Duplex = new Duplex({
    read() {},
    write(_chunk, _enc, done) {
      setImmediate(() => stream.push(encodeR307(PID.ack, Uint8Array.from(payload))))
      done()
    },
  })
  return stream
}

// found by test/fuzz/serialParsers.test.ts: a bare "ok" to a search threw a RangeError
describe('R307Client on replies shorter than the manual says', () => {
  it('fails a search, a template count and the system parameters with badReply', async () => {
    const client = new R307Client(moduleAnswering([0x00, 0x01]), 0xffffffff, 1000)
    for (const call of [
      () => client.search(1, 0, 100),
      () => client.templateCount(),
      () => client.systemParameters(),
    ]) {
      const err = await call().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(FingerprintError)
      expect(err).toMatchObject({
        code: 'badReply',
        message: expect.stringMatching(/returned 1 bytes, expected/),
      })
    }
  })

  it('still reads a full reply', async () => {
    const client = new R307Client(moduleAnswering([0x00, 0x00, 0x07, 0x00, 0x50]), 0xffffffff, 1000)
    expect(await client.search(1, 0, 100)).toEqual({ pageId: 7, score: 80 })
    expect(await client.templateCount()).toBe(7)
  })
})
