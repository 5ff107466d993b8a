import type { WireError } from '@ejia/protocol'
import type { HubConnection } from './schema/hubConnection.js'

/** The problem code of a plain hub URL in a config that does not allow it. */
export const PLAIN_TRANSPORT = 'plainTransport'

/**
 * MQTT and HTTP schemes without TLS. mqtts, ssl, wss and https are TLS. Issue 10: "Plain
 * TCP only when explicitly enabled for a lab"; over these the station secret goes in clear
 * to whoever answers on that port.
 */
const PLAIN_SCHEMES: Readonly<Record<string, 'MQTT' | 'HTTP'>> = {
  'mqtt:': 'MQTT',
  'tcp:': 'MQTT',
  'ws:': 'MQTT',
  'http:': 'HTTP',
}

/** The scheme of a plain MQTT or HTTP URL (`mqtt:`), or undefined for TLS or anything else. */
export function plainScheme(url: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(url)?.[1]?.toLowerCase()
  return scheme !== undefined && scheme in PLAIN_SCHEMES ? scheme : undefined
}

export function isPlainUrl(url: string): boolean {
  return plainScheme(url) !== undefined
}

/**
 * A plain `hub.mqttUrl` or `hub.httpUrl` in a config without `hub.allowPlain: true`, one
 * problem each; none when every URL is TLS or plain is allowed.
 */
export function plainTransportProblems(
  hub: Pick<HubConnection, 'mqttUrl' | 'httpUrl' | 'allowPlain'>,
): WireError[] {
  if (hub.allowPlain === true) return []
  const urls = [
    ['mqttUrl', hub.mqttUrl, 'mqtts:// with hub.tls (ejia-config provision --ca)'],
    ['httpUrl', hub.httpUrl, 'https://'],
  ] as const
  const problems: WireError[] = []
  for (const [field, url, tls] of urls) {
    const scheme = url === undefined ? undefined : plainScheme(url)
    if (scheme === undefined) continue
    problems.push({
      path: `/hub/${field}`,
      code: PLAIN_TRANSPORT,
      message: `${scheme}// is plain ${PLAIN_SCHEMES[scheme]} without TLS, which would send the station secret in clear; use ${tls}, or for a lab, a demo or a test set hub.allowPlain: true`,
    })
  }
  return problems
}
