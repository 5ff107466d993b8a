/**
 * Sounds and voice, in one place (issue 6: every action answers within 100 ms, success and
 * each failure is also spoken). Tones are WebAudio beeps, so nothing is downloaded; the voice is
 * the browser's speechSynthesis in zh-CN, and a kiosk without a Chinese voice stays silent
 * rather than reading Chinese with an English one. The last thing said is also written to
 * `<html data-speech>`, so tests can check what would have been spoken with the sound off, and
 * the kind and time of the last answer to `<html data-feedback data-feedback-at>`.
 */
export interface Feedback {
  /** A key or button press: a short click. */
  click(): void
  success(speech?: string): void
  failure(speech?: string): void
  say(text: string): void
}

type Tone = { freq: number; ms: number; at: number; gain?: number }

const CLICK: Tone[] = [{ freq: 1400, ms: 25, at: 0, gain: 0.15 }]
const SUCCESS: Tone[] = [
  { freq: 660, ms: 120, at: 0 },
  { freq: 990, ms: 180, at: 0.13 },
]
const FAILURE: Tone[] = [
  { freq: 300, ms: 180, at: 0 },
  { freq: 220, ms: 260, at: 0.22 },
]

export function createFeedback(opts: { sound: boolean; voice: boolean }): Feedback {
  let ctx: AudioContext | undefined

  const play = (tones: Tone[]) => {
    if (!opts.sound || typeof AudioContext === 'undefined') return
    try {
      ctx ??= new AudioContext()
      if (ctx.state === 'suspended') void ctx.resume()
      const t0 = ctx.currentTime
      for (const t of tones) {
        const osc = ctx.createOscillator()
        const gain = ctx.createGain()
        osc.frequency.value = t.freq
        gain.gain.setValueAtTime(t.gain ?? 0.3, t0 + t.at)
        // a short fade out avoids the click of a hard stop
        gain.gain.exponentialRampToValueAtTime(0.001, t0 + t.at + t.ms / 1000)
        osc.connect(gain).connect(ctx.destination)
        osc.start(t0 + t.at)
        osc.stop(t0 + t.at + t.ms / 1000 + 0.02)
      }
    } catch {
      // no audio device: the screen still answers
    }
  }

  const say = (text: string) => {
    document.documentElement.dataset.speech = text
    if (!opts.voice || typeof speechSynthesis === 'undefined') return
    const voices = speechSynthesis.getVoices()
    const norm = (v: SpeechSynthesisVoice) => v.lang.replace('_', '-').toLowerCase()
    const voice = voices.find((v) => norm(v) === 'zh-cn') ?? voices.find((v) => norm(v).startsWith('zh'))
    if (!voice) return
    speechSynthesis.cancel()
    const u = new SpeechSynthesisUtterance(text)
    u.voice = voice
    u.lang = voice.lang
    u.rate = 0.9
    speechSynthesis.speak(u)
  }

  // when the last answer went out (performance.now()), so tests can hold presses to 100 ms
  const mark = (kind: 'click' | 'success' | 'failure') => {
    document.documentElement.dataset.feedback = kind
    document.documentElement.dataset.feedbackAt = String(performance.now())
  }

  return {
    click: () => {
      mark('click')
      play(CLICK)
    },
    success: (speech) => {
      mark('success')
      play(SUCCESS)
      if (speech) say(speech)
    },
    failure: (speech) => {
      mark('failure')
      play(FAILURE)
      if (speech) say(speech)
    },
    say,
  }
}
