import type { Command, CommandResult, ConfigState } from '@ejia/protocol'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../adapters/fake/manualClock.js'
import type { RemoteSettingsStore, StoredSettings } from '../ports/remoteSettings.js'
import type { Agent } from './agent.js'
import { FaultBoard } from './faults.js'
import { RemoteControl } from './remoteControl.js'

type Config = { interval: number }

const SECRET = 'n3w-secret-from-the-hub-xxxxxxxxxxxxxxxxxxxxxx'

function setup(
  rotateCredentials?: (secret: string) => Promise<string>,
  forgetFace?: (personId: string, requestedBy: string, reason: string) => Promise<string>,
) {
  const clock = new ManualClock()
  const saved: StoredSettings[] = []
  const store: RemoteSettingsStore = {
    load: () => ({ ...(saved.at(-1) ? { current: saved.at(-1) as StoredSettings } : {}) }),
    save: async (s) => void saved.push(s),
    rollback: async () => void saved.pop(),
  }
  const restarts: (Config | undefined)[] = []
  const calls: string[] = []
  const agent = {
    faults: new FaultBoard(clock),
    reupload: async (fromSeq: number, opts: { skipPruned?: boolean } = {}) => {
      calls.push(`reupload ${fromSeq}`)
      if (fromSeq === 1 && !opts.skipPruned)
        throw Object.assign(new Error('events from seq 1 were pruned'), { code: 'pruned' })
      return { requeued: 7, fromSeq: Math.max(fromSeq, 30) }
    },
    resyncRoster: async () => ({ version: 12, people: 40 }),
  } as unknown as Agent
  const control = new RemoteControl<Config>(
    {
      clock,
      log: pino({ level: 'silent' }),
      store,
      base: { interval: 30 },
      check: (s) => {
        const interval = (s as { interval?: unknown }).interval
        return typeof interval === 'number' && interval > 0
          ? { ok: true, config: { interval } }
          : { ok: false, problems: [{ path: '/interval', message: 'must be a positive number' }] }
      },
      restart: async (c) => void restarts.push(c),
      agent: () => agent,
      ...(rotateCredentials ? { rotateCredentials } : {}),
      ...(forgetFace ? { forgetFace } : {}),
    },
    undefined,
  )
  const states: ConfigState[] = []
  const results: CommandResult[] = []
  control.onConnect({
    publishConfigState: async (s) => void states.push(s),
    publishCommandResult: async (r) => void results.push(r),
  })
  const command = (name: string, args: Record<string, unknown> = {}, id = '1'): Command => ({
    commandId: `019ac6a5-3b2e-7c41-9d2a-0f3b5c7d9e${id.padStart(2, '0')}`,
    name,
    args,
    issuedAt: new Date(clock.now()).toISOString(),
    expiresAt: new Date(clock.now() + 60_000).toISOString(),
  })
  const settle = async () => {
    await control.idle()
    await new Promise((r) => setTimeout(r, 5))
  }
  const answers = (id: string) =>
    results.filter((r) => r.commandId.endsWith(id.padStart(2, '0'))).map((r) => [r.state, r.detail])
  return { clock, control, saved, restarts, states, results, command, settle, answers, agent, calls }
}

const push = (version: number, settings: Record<string, unknown>) => ({
  version,
  issuedAt: '2026-11-25T01:00:00.000Z',
  issuedBy: 'town-a',
  settings,
})

describe('remote control on the kiosk', () => {
  it('applies a valid config (saved, then restarted on it), ignores it again, rejects a bad one keeping the old', async () => {
    const t = setup()
    t.control.onConfig(push(1, { interval: 5 }))
    await t.settle()
    expect(t.saved.map((s) => s.version)).toEqual([1])
    expect(t.restarts).toEqual([{ interval: 5 }])
    expect(t.states.at(-1)).toMatchObject({ desiredVersion: 1, appliedVersion: 1, state: 'applied' })
    // the retained push again on reconnect: no restart, the same answer
    t.control.onConfig(push(1, { interval: 5 }))
    await t.settle()
    expect(t.restarts).toHaveLength(1)
    expect(t.states.at(-1)).toMatchObject({ desiredVersion: 1, appliedVersion: 1, state: 'applied' })

    t.control.onConfig(push(2, { interval: -1 }))
    await t.settle()
    expect(t.restarts).toHaveLength(1)
    expect(t.saved).toHaveLength(1)
    expect(t.states.at(-1)).toEqual({
      desiredVersion: 2,
      appliedVersion: 1,
      state: 'rejected',
      problems: [{ path: '/interval', message: 'must be a positive number' }],
      at: expect.any(String),
    })
    expect(t.agent.faults.list().map((f) => f.code)).toEqual(['configRejected'])
  })

  it('answers accepted then the result, and runs a repeat once', async () => {
    const t = setup()
    t.control.onCommand(t.command('reupload', { fromSeq: 40 }, '1'))
    await t.settle()
    expect(t.answers('1')).toEqual([
      ['accepted', undefined],
      ['succeeded', '7 events from seq 40 queued to send again'],
    ])
    t.control.onCommand(t.command('reupload', { fromSeq: 40 }, '1'))
    await t.settle()
    expect(t.calls).toEqual(['reupload 40'])
    expect(t.answers('1').at(-1)?.[0]).toBe('succeeded')

    t.control.onCommand(t.command('reupload', { fromSeq: 1 }, '2'))
    t.control.onCommand(t.command('resyncRoster', {}, '3'))
    t.control.onCommand(t.command('restartAgent', {}, '4'))
    await t.settle()
    expect(t.answers('2')).toEqual([
      ['accepted', undefined],
      ['failed', 'events from seq 1 were pruned'],
    ])
    expect(t.answers('3').at(-1)).toEqual(['succeeded', 'full roster version 12 applied: 40 people'])
    expect(t.answers('4').at(-1)?.[0]).toBe('succeeded')

    // the hub's ledger check takes what the journal still holds, and hears what is lost
    t.control.onCommand(t.command('reupload', { fromSeq: 1, skipPruned: true }, '5'))
    await t.settle()
    expect(t.answers('5').at(-1)).toEqual([
      'succeeded',
      '7 events from seq 30 queued to send again; seq 1 to 29 were pruned by retention and cannot be sent',
    ])
    expect(t.restarts).toEqual([undefined])
  })

  it('rotates credentials through its dependency: accepted, then succeeded or failed with the reason', async () => {
    const secrets: string[] = []
    let fail = false
    const t = setup(async (secret) => {
      secrets.push(secret)
      if (fail) throw new Error('could not log in with the new secret within 60 s; back on the old one')
      return 'logged in with the new secret'
    })
    t.control.onCommand(t.command('rotateCredentials', { secret: SECRET }, '1'))
    t.control.onCommand(t.command('rotateCredentials', {}, '2'))
    await t.settle()
    fail = true
    t.control.onCommand(t.command('rotateCredentials', { secret: SECRET }, '3'))
    t.control.onCommand(t.command('rotateCredentials', { secret: SECRET }, '1')) // delivered again
    await t.settle()
    expect(t.answers('1')).toEqual([
      ['accepted', undefined],
      ['succeeded', 'logged in with the new secret'],
      ['succeeded', 'logged in with the new secret'],
    ])
    expect(t.answers('2')).toEqual([['rejected', '/args: missing field(s): secret']])
    expect(t.answers('3')).toEqual([
      ['accepted', undefined],
      ['failed', 'could not log in with the new secret within 60 s; back on the old one'],
    ])
    expect(secrets).toEqual([SECRET, SECRET])
  })

  it('deletes a person’s face data by forgetFace, naming the command as who asked, or fails with why', async () => {
    const asked: string[] = []
    const t = setup(undefined, async (personId, requestedBy, reason) => {
      asked.push(`${personId} ${requestedBy} ${reason}`)
      if (personId === 'p-broken') throw new Error('the checks after it failed')
      return `face template of ${personId} deleted (${reason})`
    })
    t.control.onCommand(t.command('forgetFace', { personId: 'p-1', reason: 'personRequest' }, '1'))
    t.control.onCommand(t.command('forgetFace', { personId: 'p-broken', reason: 'leftVillage' }, '2'))
    t.control.onCommand(t.command('forgetFace', { personId: 'p-1' }, '3'))
    await t.settle()
    expect(t.answers('1')).toEqual([
      ['accepted', undefined],
      ['succeeded', 'face template of p-1 deleted (personRequest)'],
    ])
    expect(t.answers('2')).toEqual([
      ['accepted', undefined],
      ['failed', 'the checks after it failed'],
    ])
    expect(t.answers('3')).toEqual([['rejected', '/args: missing field(s): reason']])
    expect(asked).toEqual([
      'p-1 hub:019ac6a5-3b2e-7c41-9d2a-0f3b5c7d9e01 personRequest',
      'p-broken hub:019ac6a5-3b2e-7c41-9d2a-0f3b5c7d9e02 leftVillage',
    ])
    // a kiosk without face check-in says so
    const bare = setup()
    bare.control.onCommand(bare.command('forgetFace', { personId: 'p-1', reason: 'personRequest' }, '4'))
    await bare.settle()
    expect(bare.answers('4')).toEqual([
      ['accepted', undefined],
      ['failed', 'face check-in is not enabled on this kiosk'],
    ])
  })

  it('rejects unknown commands, bad arguments and credential rotation, and expires late ones', async () => {
    const t = setup()
    t.control.onCommand(t.command('selfDestruct', {}, '1'))
    t.control.onCommand(t.command('reupload', { fromSeq: 'x' }, '2'))
    t.control.onCommand(t.command('rotateCredentials', { secret: SECRET }, '3'))
    const late = t.command('restartAgent', {}, '4')
    await t.settle()
    t.clock.advance(61_000)
    t.control.onCommand(late)
    await t.settle()
    expect(t.answers('1')).toEqual([['rejected', 'unknown command selfDestruct']])
    expect(t.answers('2')[0]?.[0]).toBe('rejected')
    expect(t.answers('2')[0]?.[1]).toMatch(/^\/args\/fromSeq/)
    // a kiosk started without its config file cannot keep a new secret: the hub keeps the old one
    expect(t.answers('3')).toEqual([['rejected', expect.stringMatching(/without its station config file/)]])
    expect(t.answers('4')).toEqual([['expired', expect.stringMatching(/expired/)]])
    expect(t.restarts).toEqual([])
  })

  it('keeps answers made while offline and sends them on the next connect', async () => {
    const t = setup()
    t.control.onDisconnect()
    t.control.onCommand(t.command('resyncRoster', {}, '5'))
    await t.settle()
    expect(t.results).toEqual([])
    const later: CommandResult[] = []
    t.control.onConnect({
      publishConfigState: async () => undefined,
      publishCommandResult: async (r) => void later.push(r),
    })
    await t.settle()
    expect(later.map((r) => r.state)).toEqual(['accepted', 'succeeded'])
  })
})
