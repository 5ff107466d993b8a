import type { Duplex } from 'node:stream'
import { CodedError } from '@ejia/platform'
import { describeConfirmation, INSTR } from './r307Codes.js'
import { encodeR307, PID, type R307Packet, R307Parser } from './r307Packet.js'

export class FingerprintError extends CodedError<string> {}

export interface SystemParameters {
  statusRegister: number
  systemId: number
  librarySize: number
  securityLevel: number
  address: number
  packetSize: number
  baudRate: number
}

const TIMEOUT_MS = 2000

/**
 * Commands to an R307/AS608 module over one connection: one command at a time, each
 * answered by an acknowledgement packet whose first byte is the confirmation code.
 * Codes other than "ok" become FingerprintErrors with the manual's meaning.
 */
export class R307Client {
  private readonly parser = new R307Parser()
  private waiting:
    | { resolve: (p: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
    | undefined
  private chain: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly stream: Duplex,
    private readonly address: number,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {
    stream.on('data', (chunk: Buffer) => this.parser.write(chunk))
    stream.once('close', () => this.fail(new FingerprintError('closed', 'the fingerprint module went away')))
    this.parser.on('data', (p: R307Packet) => {
      if (p.pid !== PID.ack || !this.waiting) return
      const w = this.waiting
      this.waiting = undefined
      clearTimeout(w.timer)
      w.resolve(p.payload)
    })
  }

  stats(): Readonly<Record<string, number>> {
    return this.parser.stats()
  }

  /** Sends one instruction; resolves with the reply after the confirmation code. */
  command(
    instruction: number,
    params: readonly number[] = [],
    okCodes: readonly number[] = [0x00],
  ): Promise<{ code: number; data: Buffer }> {
    const run = () =>
      new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiting = undefined
          reject(
            new FingerprintError(
              'timeout',
              `no answer to instruction 0x${instruction.toString(16)} in ${this.timeoutMs} ms`,
            ),
          )
        }, this.timeoutMs)
        this.waiting = { resolve, reject, timer }
        this.stream.write(encodeR307(PID.command, Uint8Array.from([instruction, ...params]), this.address))
      }).then((payload) => {
        const code = payload[0]
        if (code === undefined) throw new FingerprintError('badReply', 'empty acknowledgement')
        if (!okCodes.includes(code)) {
          const c = describeConfirmation(code)
          throw new FingerprintError(c.code, c.message)
        }
        return { code, data: payload.subarray(1) }
      })
    const result = this.chain.then(run, run)
    this.chain = result.catch(() => undefined)
    return result
  }

  async verifyPassword(password: number): Promise<void> {
    await this.command(INSTR.vfyPwd, u32(password))
  }

  /** Takes an image; false when no finger is on the sensor. */
  async captureImage(): Promise<boolean> {
    return (await this.command(INSTR.genImg, [], [0x00, 0x02])).code === 0x00
  }

  async imageToTemplate(buffer: 1 | 2): Promise<void> {
    await this.command(INSTR.img2Tz, [buffer])
  }

  /** Searches the library; null when the finger is not in it. */
  async search(
    buffer: 1 | 2,
    start: number,
    count: number,
  ): Promise<{ pageId: number; score: number } | null> {
    const r = await this.command(INSTR.highSpeedSearch, [buffer, ...u16(start), ...u16(count)], [0x00, 0x09])
    if (r.code === 0x09) return null
    const d = replyData(r.data, 4, 'HighSpeedSearch')
    return { pageId: d.readUInt16BE(0), score: d.readUInt16BE(2) }
  }

  async combine(): Promise<void> {
    await this.command(INSTR.regModel)
  }

  async store(buffer: 1 | 2, pageId: number): Promise<void> {
    await this.command(INSTR.store, [buffer, ...u16(pageId)])
  }

  async remove(pageId: number, count = 1): Promise<void> {
    await this.command(INSTR.deleteChar, [...u16(pageId), ...u16(count)])
  }

  async templateCount(): Promise<number> {
    return replyData((await this.command(INSTR.templateNum)).data, 2, 'TemplateNum').readUInt16BE(0)
  }

  async systemParameters(): Promise<SystemParameters> {
    const d = replyData((await this.command(INSTR.readSysPara)).data, 16, 'ReadSysPara')
    return {
      statusRegister: d.readUInt16BE(0),
      systemId: d.readUInt16BE(2),
      librarySize: d.readUInt16BE(4),
      securityLevel: d.readUInt16BE(6),
      address: d.readUInt32BE(8),
      packetSize: 32 << d.readUInt16BE(12),
      baudRate: 9600 * d.readUInt16BE(14),
    }
  }

  private fail(err: Error): void {
    const w = this.waiting
    this.waiting = undefined
    if (w) {
      clearTimeout(w.timer)
      w.reject(err)
    }
  }
}

/**
 * The data of an "ok" reply, if the module sent as much as the manual says: a short one
 * is a bad reply, not a RangeError (found by test/fuzz/serialParsers.test.ts).
 */
function replyData(data: Buffer, bytes: number, instruction: string): Buffer {
  if (data.length < bytes)
    throw new FingerprintError('badReply', `${instruction} returned ${data.length} bytes, expected ${bytes}`)
  return data
}

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff]
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]
