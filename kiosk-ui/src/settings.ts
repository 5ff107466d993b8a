/**
 * Knobs read once from the page's query string. The kiosk's launcher passes none; tests and
 * screenshots pass `quiet=1` (no tones, no voice) and short timeouts (`idleMs`, `resultMs`).
 */
export interface Settings {
  sound: boolean
  voice: boolean
  /** Back to idle after this long without a touch (issue 6: about 30 s). */
  idleMs: number
  /** A result screen stays this long (issue 6: 8 s). */
  resultMs: number
  /** Camera frames sent to the agent per second (docs/KIOSK.md: 3–5). */
  framesPerSecond: number
}

export function readSettings(search: string): Settings {
  const q = new URLSearchParams(search)
  const quiet = q.get('quiet') === '1'
  const ms = (key: string, fallback: number) => {
    const v = Number(q.get(key))
    return q.has(key) && Number.isFinite(v) && v >= 200 ? v : fallback
  }
  return {
    sound: !quiet && q.get('sound') !== '0',
    voice: !quiet && q.get('voice') !== '0',
    idleMs: ms('idleMs', 30_000),
    resultMs: ms('resultMs', 8_000),
    framesPerSecond: 4,
  }
}
