import { render } from 'preact'
import { ApiError, createApiClient, messageOf } from './api/client.js'
import type { AlarmView, DutyNowRow, Operator } from './api/types.js'
import { Header } from './components/Header.js'
import { type Dashboard, DashboardContext } from './context.js'
import { Alarms } from './pages/Alarms/index.js'
import { Audit } from './pages/Audit/index.js'
import { Config } from './pages/Config/index.js'
import { Duty } from './pages/Duty/index.js'
import { Fleet } from './pages/Fleet/index.js'
import { Login } from './pages/Login/index.js'
import { Records } from './pages/Records/index.js'
import { Stats } from './pages/Stats/index.js'
import { createRouter, mayOpen, type RouteName } from './router.js'
import { createAppState } from './state.js'
import { startFleetStream } from './transport/fleetStream.js'
import './style.css'

const ALARMS_EVERY_MS = 15_000
const DUTY_EVERY_MS = 60_000

const state = createAppState()
const router = createRouter()
let stopTransports: (() => void) | undefined

const loggedOut = () => {
  stopTransports?.()
  stopTransports = undefined
  state.operator.value = null
  state.csrf.value = null
}
const api = createApiClient({ csrf: () => state.csrf.value, onLoggedOut: loggedOut })

const dashboard: Dashboard = {
  state,
  api,
  router,
  loggedIn(operator, csrf) {
    state.operator.value = operator
    state.csrf.value = csrf
    stopTransports?.()
    const stream = startFleetStream(state, () => void checkLogin())
    const tick = setInterval(() => {
      state.now.value = Date.now() + state.clockOffsetMs.value
    }, 1000)
    const alarms = setInterval(() => void dashboard.refreshAlarms(), ALARMS_EVERY_MS)
    const duty = setInterval(() => void dashboard.refreshDuty(), DUTY_EVERY_MS)
    void dashboard.refreshAlarms()
    void dashboard.refreshDuty()
    void detectResolve()
    stopTransports = () => {
      stream()
      clearInterval(tick)
      clearInterval(alarms)
      clearInterval(duty)
    }
  },
  async logout() {
    await api('POST', '/api/auth/logout').catch(() => undefined)
    loggedOut()
  },
  async refreshAlarms() {
    try {
      const r = await api<{ alarms: AlarmView[] }>('GET', '/api/alarms?active=true&limit=1000')
      state.activeAlarms.value = r.alarms
    } catch {
      // the alarms page shows its own errors; the badge keeps its last count
    }
  },
  async refreshDuty() {
    try {
      const r = await api<{ stations: DutyNowRow[] }>('GET', '/api/duty/now')
      state.duty.value = r.stations
      state.dutyError.value = null
    } catch (err) {
      state.dutyError.value = messageOf(err)
    }
  },
}

/** The resolve route is newer than the dashboard's first slice: offer it only where the hub has it. */
async function detectResolve() {
  try {
    const doc = await api<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/openapi.json')
    state.canResolve.value = doc.paths['/api/alarms/{id}/resolve']?.post !== undefined
  } catch {
    state.canResolve.value = false
  }
}

async function checkLogin() {
  try {
    const me = await api<{ operator: Operator; csrfToken: string | null }>('GET', '/api/auth/me')
    if (state.operator.value === null) dashboard.loggedIn(me.operator, me.csrfToken)
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) return
    loggedOut()
  } finally {
    state.checked.value = true
  }
}

/** The page to show: a bookmark to a page above the operator's tier lands on the fleet (the API refuses it too). */
function pageName(): RouteName {
  const op = state.operator.value
  return op && !mayOpen(op, router.route.value) ? 'fleet' : router.route.value
}

function CurrentPage() {
  switch (pageName()) {
    case 'fleet':
      return <Fleet />
    case 'duty':
      return <Duty />
    case 'alarms':
      return <Alarms />
    case 'records':
      return <Records />
    case 'stats':
      return <Stats />
    case 'config':
      return <Config />
    case 'audit':
      return <Audit />
  }
}

function App() {
  const op = state.operator.value
  // the page name on <body> lets tests and screenshots wait for a page without knowing its markup
  document.body.dataset.page = !state.checked.value ? 'loading' : op ? pageName() : 'login'
  if (!state.checked.value) return null
  return (
    <DashboardContext.Provider value={dashboard}>
      {op ? (
        <div class="shell">
          <Header />
          <main class="page">
            <CurrentPage />
          </main>
        </div>
      ) : (
        <Login />
      )}
    </DashboardContext.Provider>
  )
}

void checkLogin()
render(<App />, document.getElementById('app') as HTMLElement)
