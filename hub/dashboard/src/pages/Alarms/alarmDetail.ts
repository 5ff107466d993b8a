import { zh } from '../../strings/index.js'

/** What an alarm's detail says, for the kinds whose detail is known; other details as compact JSON. */
export function detailText(detail: unknown): string {
  if (detail === null || typeof detail !== 'object')
    return detail === null || detail === undefined ? '' : String(detail)
  const d = detail as Record<string, unknown>
  const parts: string[] = []
  if (Array.isArray(d.expected) && d.expected.length > 0)
    parts.push(zh.alarms.detail.expected(d.expected.join('、')))
  if (d.kioskOnline === false) parts.push(zh.alarms.detail.kioskOffline)
  if (typeof d.backlog === 'number' && d.backlog > 0) parts.push(zh.alarms.detail.backlog(d.backlog))
  // a journal integrity alarm: the findings by kind, and the sequence numbers they name
  if (d.kinds && typeof d.kinds === 'object') {
    for (const [kind, n] of Object.entries(d.kinds as Record<string, number>))
      parts.push(zh.alarms.detail.finding(zh.alarms.detail.findingKinds[kind] ?? kind, n))
    if (Array.isArray(d.seqs) && d.seqs.length > 0) parts.push(zh.alarms.detail.seqs(d.seqs.join('、')))
  }
  if (parts.length > 0) return parts.join('；')
  const json = JSON.stringify(detail)
  return json.length > 120 ? `${json.slice(0, 117)}…` : json
}
