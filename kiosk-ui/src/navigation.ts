import { api } from './api/kiosk.js'
import type { Mode } from './api/types.js'
import { type Flow, parentOf, type Screen } from './screens.js'
import type { AppState } from './state.js'

/**
 * Moving between screens, and the kiosk mode that goes with them. Duty and lookup are entered by
 * a screen and always left through `restoreMode`, so the kiosk never stays in them (the agent
 * also falls back after 2 minutes, docs/KIOSK.md "Modes").
 */
export function createNavigation(state: AppState) {
  let saved: Mode = { kind: 'checkin' }

  const go = (screen: Screen) => {
    state.screen.value = screen
    state.lastActivity.value = Date.now()
  }

  const restoreMode = async () => {
    if (!state.modeOverride.value) return
    state.modeOverride.value = null
    await api.setMode(saved)
  }

  /** Puts the kiosk in duty or lookup mode; false when the agent refused (the screen says so). */
  const enterMode = async (kind: 'duty' | 'lookup'): Promise<boolean> => {
    if (!state.modeOverride.value) {
      const current = await api.mode()
      saved = current.ok && current.data.kind === 'checkin' ? current.data : { kind: 'checkin' }
    }
    const r = await api.setMode({ kind })
    if (r.ok) state.modeOverride.value = kind
    return r.ok
  }

  /** Back to idle: restores check-in mode and forgets the admin's login. */
  const home = () => {
    void restoreMode()
    state.cadre.value = null
    go({ name: 'idle' })
  }

  const back = () => {
    const parent = parentOf(state.screen.value)
    if (parent.name === 'idle') home()
    else go(parent)
  }

  /** The mode a new screen should start in, from where the user is now. */
  const currentFlow = (): Flow => state.modeOverride.value ?? 'checkin'

  return { go, home, back, enterMode, restoreMode, currentFlow }
}

export type Navigation = ReturnType<typeof createNavigation>
