/**
 * Size limits shared by both ends of the wire. The edge never builds a message above them,
 * and the hub refuses anything above them before parsing it.
 */
export const MAX_PAYLOAD_BYTES = 256 * 1024
/**
 * The largest MQTT packet, whole (fixed header included), that the hub's broker takes: the
 * largest payload plus what a PUBLISH wraps it in (a fixed header of at most 5 bytes, the
 * topic `ejia/v1/station/<12 digits>/commandResult` with its 2-byte length, 44 bytes, and the
 * 2-byte packet id: 51 in all), rounded up to 4 KiB of headroom. A CONNECT with its will is
 * under 1 KiB. The broker closes a connection as soon as a packet header declares more,
 * before reading the body (hub/src/broker/packetSizeGuard.ts); a payload between
 * MAX_PAYLOAD_BYTES and this still arrives and is refused by the codec as `tooLarge`.
 */
export const MAX_MQTT_PACKET_BYTES = MAX_PAYLOAD_BYTES + 4 * 1024
export const MAX_BATCH_EVENTS = 500
/** An event body is small structured data; photos travel separately, never in events. */
export const MAX_EVENT_BODY_BYTES = 8 * 1024
