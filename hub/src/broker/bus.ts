/**
 * How the hub talks MQTT: to its embedded aedes broker in-process, or (for scale-out) to
 * an external broker as a client with shared subscriptions. Ingest sees only this port.
 */
export interface MessageBus {
  /**
   * `shared`: each message to one hub process only. On an external broker, one member of
   * the hub's share group (externalBus.ts); on an aedes cluster, the node the publisher is
   * connected to (embeddedBroker.ts); a lone embedded broker has one hub, which gets them all.
   */
  subscribe(
    filter: string,
    handler: (topic: string, payload: Buffer) => void,
    opts?: { shared?: boolean },
  ): Promise<void>
  publish(topic: string, payload: Buffer, opts: { qos: 0 | 1; retain: boolean }): Promise<void>
}

/** Whether an MQTT topic filter (`+` one level, `#` the rest) matches a topic. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/')
  const t = topic.split('/')
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false
  }
  return f.length === t.length
}
