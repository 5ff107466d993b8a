import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Em4100Parser, transportOpener } from '@ejia/edge/serial'
import { parseDeviceScript } from '@ejia/simulators'
import { describe, expect, it } from 'vitest'
import { runBin } from '../helpers/processes.js'

describe('device scripts', () => {
  it('parse times, actions and durations, and say which line is wrong', () => {
    expect(parseDeviceScript('# a cadre\nat 3s card 0013A8F2AB for 1.5s\nat 500ms unplug for 2s\n')).toEqual([
      { atMs: 500, action: 'unplug', args: [], forMs: 2000, line: 3 },
      { atMs: 3000, action: 'card', args: ['0013A8F2AB'], forMs: 1500, line: 2 },
    ])
    expect(() => parseDeviceScript('at soon card 1')).toThrow(/line 1: "soon" is not a duration/)
    expect(() => parseDeviceScript('card 1')).toThrow(/line 1: expected "at <time>/)
  })

  it('ejia-sim device plays a script on a real pty that the agent’s serial stack reads', {
    timeout: 30_000,
  }, async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'ejia-script-')), 'card.txt')
    writeFileSync(script, 'at 1500ms card 0013A8F2AB for 400ms\n')
    const sim = runBin('simulators', 'ejia-sim', ['device', 'rdm6300', '--script', script, '--exit'])
    const { port } = (await sim.firstJson) as { port: string }
    const stream = await transportOpener()(port, { baudRate: 9600, dataBits: 8, stopBits: 1, parity: 'none' })
    const parser = new Em4100Parser('asciiChecksum')
    const cards: string[] = []
    parser.on('data', (f: { card: string }) => cards.push(f.card))
    stream.on('data', (c: Buffer) => parser.write(c))
    stream.on('error', () => undefined)
    expect(await sim.exited).toBe(0)
    expect(cards.length).toBeGreaterThan(1) // repeated while held
    expect(new Set(cards)).toEqual(new Set(['0013A8F2AB']))
    stream.destroy()
  })
})
