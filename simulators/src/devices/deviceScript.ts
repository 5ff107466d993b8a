import { setTimeout as delay } from 'node:timers/promises'
import { Em4100Sim, WiegandSim } from './cardReaderSims.js'
import { Gm65Sim } from './gm65Sim.js'
import { R307Sim } from './r307Sim.js'
import type { SerialEndpoint } from './serialEndpoint.js'

/** One step of a device script: at `atMs`, do `action` with `args` (for `forMs`, if it lasts). */
export interface ScriptStep {
  atMs: number
  action: string
  args: string[]
  forMs: number
  line: number
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s)$/

function ms(text: string, line: number): number {
  const m = DURATION.exec(text)
  if (!m) throw new SyntaxError(`line ${line}: "${text}" is not a duration like 1.5s or 300ms`)
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1)
}

/**
 * Parses a device script, one step per line:
 *
 *     # a cadre clocks in, a stranger tries, the reader is yanked and put back
 *     at 1s card 0013A8F2AB for 1.5s
 *     at 3s card 00000000FF
 *     at 4s unplug for 2s
 *     at 7s badchecksum 0013A8F2AB
 *     at 8s finger 42 for 1s
 *     at 9s qr EJ1-0123456789ABCDEF-1A2B
 */
export function parseDeviceScript(text: string): ScriptStep[] {
  const steps: ScriptStep[] = []
  text.split('\n').forEach((raw, i) => {
    const line = i + 1
    const words = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean)
    if (words.length === 0) return
    if (words[0] !== 'at' || words.length < 3)
      throw new SyntaxError(`line ${line}: expected "at <time> <action> …"`)
    const forAt = words.indexOf('for')
    const forMs = forAt > 0 ? ms(words[forAt + 1] ?? '', line) : 0
    const rest = forAt > 0 ? words.slice(2, forAt) : words.slice(2)
    steps.push({
      atMs: ms(words[1] as string, line),
      action: rest[0] as string,
      args: rest.slice(1),
      forMs,
      line,
    })
  })
  return steps.sort((a, b) => a.atMs - b.atMs)
}

export type SimulatedDevice = Em4100Sim | WiegandSim | Gm65Sim | R307Sim

/** Plays a script against a simulated device on its endpoint; resolves when the last step is done. */
export async function runDeviceScript(
  steps: readonly ScriptStep[],
  sim: SimulatedDevice,
  endpoint: SerialEndpoint,
): Promise<void> {
  const start = Date.now()
  const running: Promise<unknown>[] = []
  for (const s of steps) {
    const wait = start + s.atMs - Date.now()
    if (wait > 0) await delay(wait)
    running.push(play(s, sim, endpoint))
  }
  await Promise.all(running)
}

async function play(s: ScriptStep, sim: SimulatedDevice, endpoint: SerialEndpoint): Promise<void> {
  const arg = (i: number) => {
    const v = s.args[i]
    if (v === undefined) throw new SyntaxError(`line ${s.line}: ${s.action} needs more arguments`)
    return v
  }
  const hold = s.forMs || 300
  switch (s.action) {
    case 'unplug':
      await endpoint.unplug()
      if (s.forMs > 0) {
        await delay(s.forMs)
        await endpoint.replug()
      }
      return
    case 'replug':
      return endpoint.replug()
  }
  if (sim instanceof Em4100Sim) {
    if (s.action === 'card') return void (await sim.present(arg(0), hold))
    if (s.action === 'badchecksum') return void sim.badChecksum(arg(0))
    if (s.action === 'clone') return void sim.clone(arg(0))
    if (s.action === 'garbage') return void sim.garbage(Number(arg(0)))
    if (s.action === 'cut') return sim.cutMidFrame(arg(0))
  } else if (sim instanceof WiegandSim) {
    if (s.action === 'wiegand')
      return void (await sim.present(Number(arg(0)) as 26 | 34, Number(arg(1)), Number(arg(2)), hold))
    if (s.action === 'garbage') return void sim.garbage(Number(arg(0)))
  } else if (sim instanceof Gm65Sim) {
    if (s.action === 'qr') return void sim.show(s.args.join(' '))
  } else if (sim instanceof R307Sim) {
    if (s.action === 'finger') {
      sim.placeFinger(Number(arg(0)))
      await delay(hold)
      sim.liftFinger()
      return
    }
    if (s.action === 'store') return void sim.library.set(Number(arg(0)), Number(arg(1)))
  }
  throw new SyntaxError(`line ${s.line}: ${s.action} is not something this device does`)
}
