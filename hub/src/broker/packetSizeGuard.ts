import type { Duplex } from 'node:stream'

/** What the guard saw when it closed a connection. */
export interface OversizedPacket {
  /** The packet's whole size as its header declares it. */
  declaredBytes: number
  /** Bytes read from the connection in all, that packet's header included. */
  bytesRead: number
}

/**
 * Closes a connection as soon as an MQTT packet's fixed header declares more than
 * `maxBytes` (header included, as MQTT 5's Maximum Packet Size counts [MQTT-3.1.2-24]),
 * before its body is read. mqtt-packet's parser (which aedes 1.x uses) has no such limit:
 * it keeps appending to its buffer until the declared length has come, up to the 256 MiB
 * an MQTT length can say. aedes advises pairing its packet caps with "a transport-level
 * frame limit" (docs/Aedes.md, `maxInflightInbound`); this is it. aedes speaks only MQTT
 * 3.1.1, whose CONNACK cannot announce a limit, so the client learns of it by the close.
 *
 * It only watches: aedes drives the socket with `readable` and `read()`, so `data` is
 * emitted for exactly the bytes aedes reads, as it reads them (Node's stream docs: with
 * both, "'readable' takes precedence in controlling the flow"). Nothing is copied, and a
 * sender of a huge packet has at most one socket read (64 KiB) taken before the close.
 * Attach it after `broker.handle(conn)`, so the stream is already in `readable` mode.
 */
export function guardPacketSize(
  conn: Duplex,
  maxBytes: number,
  onOversized: (packet: OversizedPacket) => void,
): void {
  // where in the current packet the bytes read so far end: its first byte, its
  // remaining-length bytes, or its body with `skip` bytes to go [MQTT-2.2]
  let state: 'header' | 'length' | 'body' | 'done' = 'header'
  let remaining = 0
  let multiplier = 1
  let lengthBytes = 0
  let skip = 0
  let bytesRead = 0
  const watch = (chunk: Buffer) => {
    bytesRead += chunk.length
    let i = 0
    while (i < chunk.length && state !== 'done') {
      if (state === 'body') {
        const n = Math.min(skip, chunk.length - i)
        skip -= n
        i += n
        if (skip === 0) state = 'header'
        continue
      }
      const byte = chunk[i++] as number
      if (state === 'header') {
        state = 'length'
        remaining = 0
        multiplier = 1
        lengthBytes = 0
        continue
      }
      remaining += (byte & 0x7f) * multiplier
      multiplier *= 128
      lengthBytes++
      if (byte & 0x80) {
        // a fifth length byte is malformed [MQTT-2.2.3]: mqtt-packet refuses it and aedes closes
        if (lengthBytes === 4) state = 'done'
        continue
      }
      const declaredBytes = 1 + lengthBytes + remaining
      if (declaredBytes > maxBytes) {
        state = 'done'
        conn.off('data', watch)
        conn.destroy()
        onOversized({ declaredBytes, bytesRead })
        return
      }
      skip = remaining
      state = skip === 0 ? 'header' : 'body'
    }
  }
  conn.on('data', watch)
}
