import { render } from 'preact'
import { OfflineBanner } from './components/OfflineBanner.js'
import { Idle } from './pages/Idle/index.js'
import { createAppState } from './state.js'
import { startTransport } from './transport.js'
import './style.css'

const state = createAppState()
startTransport(state)

function App() {
  return (
    <>
      <OfflineBanner state={state} />
      <Idle state={state} />
    </>
  )
}

render(<App />, document.getElementById('app') as HTMLElement)
