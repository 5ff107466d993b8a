import { render } from 'preact'
import { api } from './api/kiosk.js'
import { OfflineBanner } from './components/OfflineBanner.js'
import { type Kiosk, KioskContext, useKiosk } from './context.js'
import { createEnrolAnswers } from './enrolAnswers.js'
import { createFeedback } from './feedback.js'
import { startInactivity } from './inactivity.js'
import { createNavigation } from './navigation.js'
import { createOutcomes } from './outcomes.js'
import { CameraTest } from './pages/Admin/CameraTest.js'
import { Admin } from './pages/Admin/index.js'
import { Duty } from './pages/Duty/index.js'
import { Enrol } from './pages/Enrol/index.js'
import { EnrolCheck } from './pages/EnrolCheck/index.js'
import { Face } from './pages/Face/index.js'
import { Idle } from './pages/Idle/index.js'
import { Pin } from './pages/Pin/index.js'
import { Reader } from './pages/Reader/index.js'
import { Result } from './pages/Result/index.js'
import { Study } from './pages/Study/index.js'
import { Vouch } from './pages/Vouch/index.js'
import { applyAgentSettings, readSettings } from './settings.js'
import { createAppState } from './state.js'
import { startStatusPolling } from './transport/status.js'
import { startStream } from './transport/stream.js'
import './style.css'

const settings = readSettings(location.search)
const state = createAppState(settings)
// the station config's screen options, the query string still overriding them, and its theme day
void api.uiSettings().then((r) => {
  if (!r.ok) return
  applyAgentSettings(settings, r.data.ui, location.search)
  state.themeDayOfMonth.value = r.data.activity?.themeDayOfMonth ?? null
})
const fb = createFeedback(settings)
const nav = createNavigation(state)
const showOutcome = createOutcomes(state, nav, fb)
const showEnrolAnswer = createEnrolAnswers(nav, fb)
const kiosk: Kiosk = { state, nav, fb, showOutcome, showEnrolAnswer }

startStatusPolling(state)
// a technician scanned the enrolment sheet: the answer shows on any screen, admin included
startStream(state, (o) => showOutcome(o, 'stream'), undefined, showEnrolAnswer)
startInactivity(state, nav)

/** The router: one page per screen; a key per screen so a page starts fresh each time it opens. */
function CurrentScreen() {
  const screen = useKiosk().state.screen.value
  switch (screen.name) {
    case 'idle':
      return <Idle />
    case 'face':
      return <Face key={`face-${screen.flow}`} flow={screen.flow} />
    case 'reader':
      return (
        <Reader key={`reader-${screen.method}-${screen.flow}`} method={screen.method} flow={screen.flow} />
      )
    case 'pin':
      return <Pin key={`pin-${screen.flow}`} flow={screen.flow} />
    case 'duty':
      return <Duty />
    case 'study':
      return <Study />
    case 'vouch':
      return <Vouch />
    case 'result':
      return <Result key={screen.at} outcome={screen.outcome} flow={screen.flow} at={screen.at} />
    case 'enrolCheck':
      return <EnrolCheck key={screen.at} answer={screen.answer} />
    case 'admin':
      return <Admin />
    case 'enrol':
      return <Enrol />
    case 'cameraTest':
      return <CameraTest />
  }
}

function App() {
  // the screen name on <body> lets tests and screenshots wait for a screen without knowing its markup
  document.body.dataset.screen = state.screen.value.name
  return (
    <KioskContext.Provider value={kiosk}>
      <OfflineBanner />
      <CurrentScreen />
    </KioskContext.Provider>
  )
}

render(<App />, document.getElementById('app') as HTMLElement)
