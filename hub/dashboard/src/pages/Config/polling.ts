import { useEffect, useState } from 'preact/hooks'
import { messageOf } from '../../api/client.js'

/** While something is under way (a push not reported yet, a command not answered), look again this often… */
export const BUSY_EVERY_MS = 1500
/** …for this long after the page opened or the operator acted: a kiosk offline for days stays pending. */
const BUSY_FOR_MS = 120_000
const IDLE_EVERY_MS = 15_000

/**
 * Data read from the hub and read again: every BUSY_EVERY_MS while `busy` says it is under
 * way (for two minutes after opening or acting), every 15 s otherwise; `refresh` reads it now
 * (after a push or a command).
 */
export function usePolled<T>(load: () => Promise<T>, busy: (t: T) => boolean) {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [nonce, setNonce] = useState(0)
  useEffect(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const fastUntil = Date.now() + BUSY_FOR_MS
    const run = async () => {
      let next = IDLE_EVERY_MS
      try {
        const d = await load()
        if (stopped) return
        setData(d)
        setError(null)
        if (busy(d) && Date.now() < fastUntil) next = BUSY_EVERY_MS
      } catch (err) {
        if (stopped) return
        setError(messageOf(err))
      }
      timer = setTimeout(() => void run(), next)
    }
    void run()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [nonce])
  return { data, error, refresh: () => setNonce((n) => n + 1) }
}
