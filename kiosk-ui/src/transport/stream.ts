import type { EnrolAnswer, FaceUpdate, SignInOutcome } from '../api/types.js'
import type { AppState } from '../state.js'

const RETRY_MIN_MS = 1000
const RETRY_MAX_MS = 15_000

/**
 * The agent's Server-Sent Events (docs/KIOSK.md "State of the kiosk"): `signin` outcomes, by
 * any means, `face` session updates and `enrol` answers to a scanned enrolment sheet. EventSource reconnects by itself after a dropped
 * connection; when it gives up (the agent answered with an error, or was restarting) this
 * opens a new one, backing off to 15 s.
 */
export function startStream(
  state: AppState,
  onSignIn: (o: SignInOutcome) => void,
  url = './api/stream',
  onEnrol: (a: EnrolAnswer) => void = () => undefined,
): () => void {
  let source: EventSource | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let retryMs = RETRY_MIN_MS
  let stopped = false

  const parse = <T>(e: Event): T | undefined => {
    try {
      return JSON.parse((e as MessageEvent<string>).data) as T
    } catch {
      return undefined
    }
  }

  const open = () => {
    const es = new EventSource(url)
    source = es
    es.onopen = () => {
      state.streamOpen.value = true
      retryMs = RETRY_MIN_MS
    }
    es.addEventListener('signin', (e) => {
      const o = parse<SignInOutcome>(e)
      if (o && typeof o.kind === 'string') onSignIn(o)
    })
    es.addEventListener('enrol', (e) => {
      const a = parse<EnrolAnswer>(e)
      if (a && typeof a.ok === 'boolean') onEnrol(a)
    })
    es.addEventListener('face', (e) => {
      const u = parse<FaceUpdate>(e)
      if (u && typeof u.state === 'string') state.face.value = u
    })
    es.onerror = () => {
      state.streamOpen.value = false
      if (es.readyState !== EventSource.CLOSED || stopped) return
      es.close()
      timer = setTimeout(open, retryMs)
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS)
    }
  }
  open()
  return () => {
    stopped = true
    clearTimeout(timer)
    source?.close()
  }
}
