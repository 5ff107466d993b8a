/** One Server-Sent Event as read: its name and its JSON data. */
export interface SseEvent {
  event: string
  data: Record<string, unknown>
}

/**
 * Reads a Server-Sent Events stream (the kiosk's /api/stream) into a list, until closed.
 * `opened` resolves once the server has answered, so what happens after it is on the list.
 */
export function listenSse(url: string): { events: SseEvent[]; opened: Promise<void>; close: () => void } {
  const events: SseEvent[] = []
  const abort = new AbortController()
  let resolveOpened: () => void = () => undefined
  const opened = new Promise<void>((r) => (resolveOpened = r))
  void (async () => {
    const res = await fetch(url, { signal: abort.signal })
    resolveOpened()
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let buf = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buf += value
      for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
        const block = buf.slice(0, i)
        buf = buf.slice(i + 2)
        const event = /^event: (.*)$/m.exec(block)?.[1]
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (event && data) events.push({ event, data: JSON.parse(data) })
      }
    }
  })().catch(() => undefined)
  return { events, opened, close: () => abort.abort() }
}
