import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { ShowEnrolAnswer } from './enrolAnswers.js'
import type { Feedback } from './feedback.js'
import type { Navigation } from './navigation.js'
import type { ShowOutcome } from './outcomes.js'
import type { AppState } from './state.js'

/** What every screen needs: the state to read, the way to move, and the way to answer. */
export interface Kiosk {
  state: AppState
  nav: Navigation
  fb: Feedback
  showOutcome: ShowOutcome
  showEnrolAnswer: ShowEnrolAnswer
}

export const KioskContext = createContext<Kiosk | null>(null)

export function useKiosk(): Kiosk {
  const k = useContext(KioskContext)
  if (!k) throw new Error('useKiosk outside <KioskContext.Provider>')
  return k
}
