import { X509Certificate } from 'node:crypto'
import QRCode from 'qrcode'
import type { Registry } from '../schema/registry.js'

/** Scanned at a kiosk to pick its bundle (docs/OPERATIONS.md, "The enrolment sheet"). */
export const ENROL_SCHEME = 'ejia-enrol:v1'

export interface EnrolmentCode {
  stationId: string
  /** The hub's broker, as in the station's config. */
  hub: string
  /** SHA-256 of the district CA certificate, hex: the kiosk refuses a bundle from another CA. */
  caSha256?: string
}

/**
 * What the QR code says. No secret or key: a sheet is printed, pinned up and photographed,
 * so it only names which bundle belongs to this kiosk and which CA it must chain to.
 */
export function enrolmentText(code: EnrolmentCode): string {
  const q = new URLSearchParams({ station: code.stationId, hub: code.hub })
  if (code.caSha256) q.set('ca', code.caSha256)
  return `${ENROL_SCHEME}?${q.toString()}`
}

export function parseEnrolmentText(text: string): EnrolmentCode | undefined {
  if (!text.startsWith(`${ENROL_SCHEME}?`)) return undefined
  const q = new URLSearchParams(text.slice(ENROL_SCHEME.length + 1))
  const stationId = q.get('station')
  const hub = q.get('hub')
  if (!stationId || !/^\d{12}$/.test(stationId) || !hub) return undefined
  const ca = q.get('ca')
  return { stationId, hub, ...(ca ? { caSha256: ca } : {}) }
}

export const caSha256 = (certPem: string): string =>
  new X509Certificate(certPem).fingerprint256.replace(/:/g, '').toLowerCase()

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  )

/**
 * A printable A4 page (HTML, print from a browser): one block per station with its town,
 * village, station id, contact and the enrolment QR code, as inline SVG.
 */
export async function enrolmentSheet(
  registry: Registry,
  hubOf: (stationId: string) => string,
  caCertPem?: string,
): Promise<string> {
  const towns = new Map(registry.towns.map((t) => [t.code, t.name]))
  const ca = caCertPem ? caSha256(caCertPem) : undefined
  const blocks: string[] = []
  for (const s of registry.stations) {
    const text = enrolmentText({ stationId: s.id, hub: hubOf(s.id), ...(ca ? { caSha256: ca } : {}) })
    const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 })
    const contact = s.contact ? `${escapeHtml(s.contact.name)} ${escapeHtml(s.contact.phone)}` : ''
    blocks.push(`<section class="station${s.revoked ? ' revoked' : ''}">
  <div class="qr">${svg}</div>
  <dl>
    <dt>镇/街道</dt><dd>${escapeHtml(towns.get(s.townCode) ?? s.townCode)}</dd>
    <dt>村/社区</dt><dd>${escapeHtml(s.name)}</dd>
    <dt>站点编码</dt><dd class="id">${s.id}</dd>
    <dt>联系人</dt><dd>${contact}</dd>${s.revoked ? '\n    <dt>状态</dt><dd>已吊销 revoked</dd>' : ''}
  </dl>
</section>`)
  }
  const title = `${escapeHtml(registry.district.name)} ejia 站点登记表`
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>
  @page { size: A4; margin: 12mm; }
  body { font-family: sans-serif; margin: 0; }
  h1 { font-size: 14pt; margin: 0 0 4mm; }
  main { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
  .station { display: flex; gap: 3mm; border: 0.3mm solid #000; padding: 3mm; break-inside: avoid; page-break-inside: avoid; }
  .station.revoked { opacity: 0.4; }
  .qr svg { width: 32mm; height: 32mm; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 1mm 3mm; margin: 0; font-size: 10pt; }
  dt { font-weight: bold; }
  dd { margin: 0; }
  .id { font-family: monospace; font-size: 11pt; }
</style>
</head>
<body>
<h1>${title}</h1>
<main>
${blocks.join('\n')}
</main>
</body>
</html>
`
}
