/**
 * Size limits shared by both ends of the wire. The edge never builds a message above them,
 * and the hub refuses anything above them before parsing it.
 */
export const MAX_PAYLOAD_BYTES = 256 * 1024
export const MAX_BATCH_EVENTS = 500
/** An event body is small structured data; photos travel separately, never in events. */
export const MAX_EVENT_BODY_BYTES = 8 * 1024
