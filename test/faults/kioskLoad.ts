import { checkinBody } from './faultKit.js'

export interface LoadTally {
  /** Event id → seq, for every event the kiosk answered 201 for: on disk, by its word. */
  confirmed: Map<string, number>
  /** Requests that died with the kiosk: journalled or not, nobody was told either way. */
  inDoubt: number
  /** Refused with a reason (503: the journal could not store it): never recorded. */
  refused: number
}

export const newTally = (): LoadTally => ({ confirmed: new Map(), inDoubt: 0, refused: 0 })

/** One event through the kiosk's local API, as the kiosk UI posts it. Counted into `tally`. */
export async function postEvent(
  api: string,
  n: number,
  tally: LoadTally,
): Promise<'ok' | 'refused' | 'dead'> {
  let res: Response
  try {
    res = await fetch(`${api}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(checkinBody(n)),
    })
  } catch {
    tally.inDoubt++
    return 'dead'
  }
  if (res.status === 201) {
    const { id, seq } = (await res.json()) as { id: string; seq: number }
    tally.confirmed.set(id, seq)
    return 'ok'
  }
  await res.body?.cancel()
  tally.refused++
  return 'refused'
}

/**
 * Keeps `workers` requests in flight against a kiosk until `stop()` or until the kiosk
 * dies under them (a worker whose request fails stops: the kiosk is gone).
 */
export function loadKiosk(api: string, workers: number, tally: LoadTally): { stop(): Promise<void> } {
  let stopping = false
  let n = 0
  const loops = Array.from({ length: workers }, async () => {
    while (!stopping) if ((await postEvent(api, n++, tally)) === 'dead') return
  })
  return {
    async stop() {
      stopping = true
      await Promise.all(loops)
    },
  }
}

/** `count` requests at once: a burst of journal appends, as a busy kiosk sees at a meeting. */
export async function burst(api: string, count: number, tally: LoadTally): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, i) => postEvent(api, i, tally)))
}

export interface KioskStatus {
  connected: boolean
  health: { lastSeq: number; backlog: { depth: number } }
}

export async function kioskStatus(api: string): Promise<KioskStatus> {
  return (await (await fetch(`${api}/api/status`)).json()) as KioskStatus
}
