import { Transform, type TransformCallback } from 'node:stream'

/**
 * Base of the frame parsers: bytes in, frames out (object mode), with a count of every
 * frame accepted and every byte run dropped, by reason. Parsers never throw on bad input:
 * they drop it, count it, and look for the next start of frame.
 */
export abstract class FrameParser<F> extends Transform {
  private readonly counts: Record<string, number> = { frames: 0 }

  constructor() {
    super({ readableObjectMode: true })
  }

  stats(): Readonly<Record<string, number>> {
    return this.counts
  }

  protected emitFrame(frame: F): void {
    this.counts.frames = (this.counts.frames ?? 0) + 1
    this.push(frame)
  }

  protected discard(reason: string): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + 1
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    for (const byte of chunk) this.feed(byte)
    done()
  }

  /** One byte at a time: a state machine never buffers more than one frame. */
  protected abstract feed(byte: number): void
}
