import type { AppState } from '../../state.js'
import { zh } from '../../strings.js'

/** The idle screen: where am I, what day is it, is anything wrong. */
export function Idle({ state }: { state: AppState }) {
  const s = state.status.value
  const now = state.now.value
  const date = `${now.getFullYear()}年${now.getMonth() + 1}月${now.getDate()}日 ${zh.weekdays[now.getDay()]}`
  const time = now.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' })
  return (
    <main class="idle">
      <h1>{s ? `${s.station.townName} · ${s.station.name}` : zh.appName}</h1>
      <p class="date">{date}</p>
      <p class="clock">{time}</p>
      {s && s.health.faults.length > 0 && (
        <section class="faults" aria-label={zh.faults}>
          <h2>{zh.faults}</h2>
          <ul>
            {s.health.faults.map((f) => (
              <li key={f.device}>{f.message}</li>
            ))}
          </ul>
        </section>
      )}
    </main>
  )
}
