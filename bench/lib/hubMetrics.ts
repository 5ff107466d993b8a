import type { BearerAuth } from './hubApi.js'

/** The hub's GET /metrics as `name{labels}` → value, e.g. `ejia_stations{status="online"}`. */
export async function hubMetrics(api: string, auth: BearerAuth): Promise<Map<string, number>> {
  const res = await fetch(`${api}/metrics`, { headers: auth })
  if (res.status !== 200) throw new Error(`metrics: ${res.status} ${await res.text()}`)
  const out = new Map<string, number>()
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    out.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return out
}
