/**
 * How the hub talks MQTT: to its embedded aedes broker in-process, or (for scale-out) to
 * an external broker as a client with shared subscriptions. Ingest sees only this port.
 */
export interface MessageBus {
  /**
   * `shared`: on an external broker, one member of the hub's share group gets each message
   * (externalBus.ts); the embedded broker has one hub, which gets them all.
   */
  subscribe(
    filter: string,
    handler: (topic: string, payload: Buffer) => void,
    opts?: { shared?: boolean },
  ): Promise<void>
  publish(topic: string, payload: Buffer, opts: { qos: 0 | 1; retain: boolean }): Promise<void>
}
