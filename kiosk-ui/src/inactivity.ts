import type { Navigation } from './navigation.js'
import type { AppState } from './state.js'

const CHECK_MS = 250

/**
 * Returns to idle after a while without a touch (issue 6: 30 s, 8 s on a result screen).
 * Leaving a screen cancels what it started (its face session, its mode) on the way out.
 */
export function startInactivity(state: AppState, nav: Navigation): () => void {
  const touch = () => {
    state.lastActivity.value = Date.now()
  }
  window.addEventListener('pointerdown', touch, { capture: true })
  window.addEventListener('keydown', touch, { capture: true })
  const timer = setInterval(() => {
    const screen = state.screen.value
    if (screen.name === 'idle') return
    const limit =
      screen.name === 'result' || screen.name === 'enrolCheck'
        ? state.settings.resultMs
        : state.settings.idleMs
    if (Date.now() - state.lastActivity.value > limit) nav.home()
  }, CHECK_MS)
  return () => {
    clearInterval(timer)
    window.removeEventListener('pointerdown', touch, { capture: true })
    window.removeEventListener('keydown', touch, { capture: true })
  }
}
