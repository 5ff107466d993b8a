import { expect, it } from 'vitest'
import {
  A,
  answer,
  B,
  C,
  type ControlStoreHarness,
  cmdId,
  D,
  EXPIRED,
  issued,
  newCmd,
  stations,
  T0,
} from './controlStore.fixture.js'
import type { ControlStore, NewCommand } from './controlStore.js'

/** Commands: issue, answers, queries, resends and expiry (ControlStore contract). */
export function commandCases(harness: () => ControlStoreHarness): void {
  const store = () => harness().store

  it('issues commands pending and sent at once, audited, all of a batch or none', async () => {
    const reupload = { name: 'reupload', args: { fromSeq: 120, skipPruned: true } }
    const batch = [newCmd(1, C, reupload), newCmd(2, A, reupload)]
    expect(await store().issueCommands(batch, 'district-admin', T0)).toEqual(
      batch.map((c) => issued(c, 'district-admin', T0)),
    )
    // newest first; of one moment, by command id
    expect(await store().commands({ limit: 10 })).toEqual([
      issued(batch[1] as NewCommand, 'district-admin', T0),
      issued(batch[0] as NewCommand, 'district-admin', T0),
    ])
    await expect(
      store().issueCommands([newCmd(3, B), newCmd(1, B)], 'district-admin', T0 + 1000),
    ).rejects.toMatchObject({ code: harness().uniqueViolation })
    expect((await store().commands({ limit: 10 })).map((c) => c.commandId)).toEqual([cmdId(2), cmdId(1)])
    expect(await harness().audit()).toEqual([
      {
        at: T0,
        actor: 'district-admin',
        action: 'command.issue',
        detail: {
          ...reupload,
          commands: [
            [C, cmdId(1)],
            [A, cmdId(2)],
          ],
        },
      },
    ])
  })

  it('moves a command on with its answers; repeated, late and other stations’ answers change nothing', async () => {
    const ca = newCmd(1, A, { name: 'restartAgent' })
    const cb = newCmd(2, B, { name: 'restartAgent' })
    const cc = newCmd(3, C, {
      name: 'upgradeAgent',
      args: { version: '0.4.2', url: 'https://hub.example/releases/ejia-0.4.2.tgz', sha256: 'ab'.repeat(32) },
    })
    const cd = newCmd(4, A, { name: 'rotateCredentials' })
    await store().issueCommands([ca, cb, cc, cd], 'district-admin', T0)
    expect(await store().recordCommandResult(B, answer(ca, 'accepted'), T0 + 1000)).toBe(false)
    expect(await store().recordCommandResult(A, answer(ca, 'accepted'), T0 + 1000)).toBe(true)
    expect(await store().recordCommandResult(A, answer(ca, 'accepted'), T0 + 1500)).toBe(false)
    expect(await store().recordCommandResult(A, answer(ca, 'succeeded', '代理已重启'), T0 + 4000)).toBe(true)
    expect(await store().recordCommandResult(A, answer(ca, 'succeeded', 'again'), T0 + 4500)).toBe(false)
    expect(await store().recordCommandResult(A, answer(ca, 'failed', 'late'), T0 + 5000)).toBe(false)
    // a final answer with no accepted before it, and an accepted that comes after
    expect(await store().recordCommandResult(B, answer(cb, 'rejected', 'unknown command'), T0 + 2000)).toBe(
      true,
    )
    expect(await store().recordCommandResult(B, answer(cb, 'accepted'), T0 + 2500)).toBe(false)
    expect(await store().recordCommandResult(C, answer(cc, 'accepted'), T0 + 1000)).toBe(true)
    expect(await store().recordCommandResult(C, answer(cc, 'failed'), T0 + 9000)).toBe(true)
    expect(
      await store().recordCommandResult(A, answer(cd, 'expired', 'arrived after it expired'), T0 + 3000),
    ).toBe(true)
    expect(await store().recordCommandResult(A, answer(newCmd(9, A), 'succeeded'), T0 + 3000)).toBe(false)
    expect(await store().commands({ limit: 10 })).toEqual([
      issued(cd, 'district-admin', T0, {
        state: 'expired',
        detail: 'arrived after it expired',
        finishedAt: T0 + 3000,
      }),
      issued(cc, 'district-admin', T0, { state: 'failed', acceptedAt: T0 + 1000, finishedAt: T0 + 9000 }),
      issued(cb, 'district-admin', T0, {
        state: 'rejected',
        detail: 'unknown command',
        finishedAt: T0 + 2000,
      }),
      issued(ca, 'district-admin', T0, {
        state: 'succeeded',
        detail: '代理已重启',
        acceptedAt: T0 + 1000,
        finishedAt: T0 + 4000,
      }),
    ])
  })

  it('lists commands by station, town and state, newest first, up to the limit', async () => {
    await store().issueCommands([newCmd(1, A), newCmd(2, B), newCmd(3, C)], 'district-admin', T0)
    await store().issueCommands([newCmd(4, A)], 'district-admin', T0 + 60_000)
    await store().issueCommands([newCmd(5, D), newCmd(6, C)], 'district-admin', T0 + 120_000)
    await store().recordCommandResult(B, answer(newCmd(2, B), 'accepted'), T0 + 1000)
    await store().recordCommandResult(C, answer(newCmd(3, C), 'succeeded'), T0 + 1000)
    const ids = async (q: Parameters<ControlStore['commands']>[0]) =>
      (await store().commands(q)).map((c) => Number(c.commandId.slice(-3)))
    // D is not in the registry: its command is kept (unanswered below) but not listed
    expect(await ids({ limit: 100 })).toEqual([6, 4, 3, 2, 1])
    expect(await ids({ limit: 2 })).toEqual([6, 4])
    expect(await ids({ stationId: A, limit: 100 })).toEqual([4, 1])
    expect(await ids({ townCode: '339901001', limit: 100 })).toEqual([4, 2, 1])
    expect(await ids({ townCode: '339901002', limit: 100 })).toEqual([6, 3])
    expect(await ids({ state: 'pending', limit: 100 })).toEqual([6, 4, 1])
    expect(await ids({ state: 'accepted', limit: 100 })).toEqual([2])
    expect(await ids({ state: 'pending', townCode: '339901001', limit: 100 })).toEqual([4, 1])
    expect(await ids({ stationId: B, townCode: '339901002', limit: 100 })).toEqual([])
    expect(await ids({ stationId: A, state: 'succeeded', limit: 100 })).toEqual([])
    expect(await ids({ stationId: D, limit: 100 })).toEqual([])
    expect((await store().unanswered(D, T0)).map((c) => c.commandId)).toEqual([cmdId(5)])
    // a filter is a value, never SQL
    expect(await ids({ stationId: `${A}' OR '1'='1`, limit: 100 })).toEqual([])
    expect(await ids({ townCode: "x') OR 1=1 --", limit: 100 })).toEqual([])
    // a station that left the registry keeps its row, so its commands are still listed
    await harness().storage.syncRegistry({ code: '339901', name: '青山区' }, [], stations.slice(0, 2))
    expect(await ids({ townCode: '339901002', limit: 100 })).toEqual([6, 3])
  })

  it('gives the unanswered commands oldest first, counts resends, and expires pending ones', async () => {
    const long = newCmd(1, A, { expiresAt: T0 + 600_000 })
    const short = newCmd(2, A, { name: 'restartAgent', expiresAt: T0 + 120_000 })
    const taken = newCmd(3, A, { expiresAt: T0 + 60_000 })
    const other = newCmd(4, B, { expiresAt: T0 + 60_000 })
    await store().issueCommands([long], 'district-admin', T0)
    await store().issueCommands([short, taken, other], 'town-339901001', T0 + 30_000)
    await store().recordCommandResult(A, answer(taken, 'accepted'), T0 + 31_000)
    const unanswered = async (stationId: string, now: number) =>
      (await store().unanswered(stationId, now)).map((c) => c.commandId)
    expect(await unanswered(A, T0 + 60_000)).toEqual([long.commandId, short.commandId])
    expect(await unanswered(A, T0 + 120_000)).toEqual([long.commandId])
    expect(await unanswered(B, T0 + 59_999)).toEqual([other.commandId])
    expect(await unanswered(B, T0 + 60_000)).toEqual([])
    // an id named twice counts once; an unknown one is no matter
    await store().markResent([long.commandId, short.commandId, cmdId(99), long.commandId], T0 + 90_000)
    await store().markResent([], T0 + 95_000)
    await store().markResent([long.commandId], T0 + 150_000)
    expect(await store().unanswered(A, T0 + 100_000)).toEqual([
      issued(long, 'district-admin', T0, { sentAt: T0 + 150_000, sends: 3 }),
      issued(short, 'town-339901001', T0 + 30_000, { sentAt: T0 + 90_000, sends: 2 }),
    ])
    // expiry is inclusive, and only of pending commands: an accepted one waits for its answer
    expect(await store().expireCommands(T0 + 60_000)).toBe(1)
    expect(await store().expireCommands(T0 + 120_000)).toBe(1)
    expect(await store().expireCommands(T0 + 120_000)).toBe(0)
    expect(await store().recordCommandResult(A, answer(short, 'succeeded'), T0 + 130_000)).toBe(false)
    expect(await store().recordCommandResult(A, answer(taken, 'succeeded'), T0 + 130_000)).toBe(true)
    const by = 'town-339901001'
    expect(await store().commands({ limit: 10 })).toEqual([
      issued(other, by, T0 + 30_000, { state: 'expired', detail: EXPIRED, finishedAt: T0 + 60_000 }),
      issued(taken, by, T0 + 30_000, {
        state: 'succeeded',
        acceptedAt: T0 + 31_000,
        finishedAt: T0 + 130_000,
      }),
      issued(short, by, T0 + 30_000, {
        state: 'expired',
        detail: EXPIRED,
        finishedAt: T0 + 120_000,
        sentAt: T0 + 90_000,
        sends: 2,
      }),
      issued(long, 'district-admin', T0, { sentAt: T0 + 150_000, sends: 3 }),
    ])
  })

  it('keeps every answer, resend and expiry when commands are issued while answers arrive', async () => {
    const three = [A, B, C]
    // per station: every third command answered accepted then succeeded, every third failed, the rest expire
    const first = three.flatMap((s, si) =>
      Array.from({ length: 12 }, (_, i) =>
        newCmd(100 + si * 12 + i, s, { expiresAt: i % 3 === 2 ? T0 + 60_000 : T0 + 3_600_000 }),
      ),
    )
    await store().issueCommands(first, 'district-admin', T0)
    const now = T0 + 60_000
    const later = Array.from({ length: 4 }, (_, k) => three.map((s, si) => newCmd(200 + k * 3 + si, s)))
    const [, answered, , expired] = await Promise.all([
      Promise.all(later.map((batch, k) => store().issueCommands(batch, `op-${k}`, now + k))),
      Promise.all(
        first.flatMap((c, i) =>
          i % 3 === 0
            ? [
                store().recordCommandResult(c.stationId, answer(c, 'accepted'), now + 10),
                store().recordCommandResult(c.stationId, answer(c, 'succeeded', 'ok'), now + 20),
              ]
            : i % 3 === 1
              ? [store().recordCommandResult(c.stationId, answer(c, 'failed', 'journal busy'), now + 30)]
              : [],
        ),
      ),
      store().markResent(
        first.map((c) => c.commandId),
        now,
      ),
      store().expireCommands(now),
    ])
    expect(answered).toEqual(Array(36).fill(true))
    expect(expired).toBe(12)
    const resent = { sentAt: now, sends: 2 }
    const expected = [
      ...later.flatMap((batch, k) => batch.map((c) => issued(c, `op-${k}`, now + k))).reverse(),
      ...first
        .map((c, i) =>
          issued(
            c,
            'district-admin',
            T0,
            i % 3 === 0
              ? { ...resent, state: 'succeeded', detail: 'ok', acceptedAt: now + 10, finishedAt: now + 20 }
              : i % 3 === 1
                ? { ...resent, state: 'failed', detail: 'journal busy', finishedAt: now + 30 }
                : { ...resent, state: 'expired', detail: EXPIRED, finishedAt: now },
          ),
        )
        .reverse(),
    ]
    expect(await store().commands({ limit: 1000 })).toEqual(expected)
    expect((await harness().audit()).map((a) => a.action)).toEqual(Array(5).fill('command.issue'))
  })
}
