import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { ApiClient } from './api/client.js'
import type { Router } from './router.js'
import type { AppState } from './state.js'

/** What every view needs: the state to read, the API to act through, and the router. */
export interface Dashboard {
  state: AppState
  api: ApiClient
  router: Router
  /** Log in happened (or a session was found): start the live transports. */
  loggedIn(operator: AppState['operator']['value'], csrf: string | null): void
  logout(): Promise<void>
  refreshAlarms(): Promise<void>
  refreshDuty(): Promise<void>
}

export const DashboardContext = createContext<Dashboard | null>(null)

export function useDashboard(): Dashboard {
  const d = useContext(DashboardContext)
  if (!d) throw new Error('useDashboard outside <DashboardContext.Provider>')
  return d
}
