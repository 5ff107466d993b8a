/**
 * Knobs of the screen. The station config's `ui` section sets them (GET /api/ui-settings,
 * read once at start); the page's query string overrides it, for tests and screenshots:
 * `quiet=1` (no tones, no voice), `sound=0`, `voice=0` and short timeouts (`idleMs`, `resultMs`).
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

/** The station config's `ui` section, as GET /api/ui-settings serves it (docs/KIOSK.md). */
export interface AgentUiOptions {
  idleTimeoutS: number
  resultTimeoutS: number
  voice: boolean
  sound: boolean
  language: string
}

/** GET /api/ui-settings: the station config's `ui`, `duty` and `activity` sections (docs/KIOSK.md). */
export interface AgentSettings {
  ui: AgentUiOptions
  duty: { graceLateMin: number; graceEarlyMin: number; duplicateWithinMin: number }
  /** `themeDayOfMonth`: the day of every month the theme day (主题党日) falls on, 1–28. */
  activity: { themeDayOfMonth: number; defaultHours: Record<string, number> }
}

/**
 * Takes the agent's screen options into `settings`, in place (the feedback and the
 * inactivity timer read it when they act), except what the query string set.
 */
export function applyAgentSettings(settings: Settings, ui: AgentUiOptions, search: string): void {
  const q = new URLSearchParams(search)
  const quiet = q.get('quiet') === '1'
  if (!quiet && !q.has('sound')) settings.sound = ui.sound
  if (!quiet && !q.has('voice')) settings.voice = ui.voice
  if (!q.has('idleMs')) settings.idleMs = ui.idleTimeoutS * 1000
  if (!q.has('resultMs')) settings.resultMs = ui.resultTimeoutS * 1000
}
