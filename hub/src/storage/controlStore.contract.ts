import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  A,
  answer,
  B,
  C,
  type ControlStoreHarness,
  configState,
  D,
  issued,
  newCmd,
  s1,
  s2,
  stations,
  T0,
} from './controlStore.fixture.js'
import type { ControlStore, DesiredConfig } from './controlStore.js'
import { commandCases } from './controlStoreCommands.contract.js'

/**
 * The contract of the ControlStore port (controlStore.ts), run against SQLite
 * (sqlite/sqliteControlStore.test.ts) and PostgreSQL (postgres/pgControlStore.test.ts):
 * configs and reports here, commands in controlStoreCommands.contract.ts.
 */
export function controlStoreContract(name: string, open: () => Promise<ControlStoreHarness>): void {
  describe(`ControlStore contract: ${name}`, () => {
    let h: ControlStoreHarness
    let store: ControlStore
    // the port promises no order of reports (SQLite gives them as first stored)
    const reports = async () =>
      (await store.reports()).sort((x, y) =>
        x.stationId < y.stationId ? -1 : x.stationId > y.stationId ? 1 : 0,
      )
    beforeEach(async () => {
      h = await open()
      store = h.store
      await h.storage.syncRegistry({ code: '339901', name: '青山区' }, [], stations)
    })
    afterEach(async () => {
      await h.storage.close()
    })

    it('numbers each station’s configs from 1, keeps them all newest first, and audits each push', async () => {
      expect(await store.desiredConfigs()).toEqual([])
      expect(await store.configHistory(A, 10)).toEqual([])
      const v = (stationId: string, version: number, settings: object, issuedBy: string, issuedAt: number) =>
        ({ stationId, version, settings, issuedBy, issuedAt }) as DesiredConfig
      expect(await store.pushConfig([B, A], s1, 'district-admin', T0, { town: '339901001' })).toEqual([
        v(B, 1, s1, 'district-admin', T0),
        v(A, 1, s1, 'district-admin', T0),
      ])
      expect(await store.pushConfig([A, C], s2, 'town-339901001', T0 + 60_000, { stations: [A, C] })).toEqual(
        [v(A, 2, s2, 'town-339901001', T0 + 60_000), v(C, 1, s2, 'town-339901001', T0 + 60_000)],
      )
      expect(await store.pushConfig([A], {}, 'district-admin', T0 + 120_000, { station: A })).toEqual([
        v(A, 3, {}, 'district-admin', T0 + 120_000),
      ])
      expect(await store.desiredConfigs()).toEqual([
        v(A, 3, {}, 'district-admin', T0 + 120_000),
        v(B, 1, s1, 'district-admin', T0),
        v(C, 1, s2, 'town-339901001', T0 + 60_000),
      ])
      expect(await store.configHistory(A, 10)).toEqual([
        v(A, 3, {}, 'district-admin', T0 + 120_000),
        v(A, 2, s2, 'town-339901001', T0 + 60_000),
        v(A, 1, s1, 'district-admin', T0),
      ])
      expect((await store.configHistory(A, 2)).map((c) => c.version)).toEqual([3, 2])
      expect(await store.configHistory(B, 10)).toEqual([v(B, 1, s1, 'district-admin', T0)])
      expect(await store.configHistory(D, 10)).toEqual([])
      expect(await store.configHistory(`${A}' OR '1'='1`, 10)).toEqual([])
      expect(await h.audit()).toEqual([
        {
          at: T0,
          actor: 'district-admin',
          action: 'config.push',
          detail: {
            target: { town: '339901001' },
            settings: s1,
            versions: [
              [B, 1],
              [A, 1],
            ],
          },
        },
        {
          at: T0 + 60_000,
          actor: 'town-339901001',
          action: 'config.push',
          detail: {
            target: { stations: [A, C] },
            settings: s2,
            versions: [
              [A, 2],
              [C, 1],
            ],
          },
        },
        {
          at: T0 + 120_000,
          actor: 'district-admin',
          action: 'config.push',
          detail: { target: { station: A }, settings: {}, versions: [[A, 3]] },
        },
      ])
    })

    it('gives each entry of a push its own version, even a station named twice', async () => {
      await store.pushConfig([C], s1, 'district-admin', T0, { station: C })
      const pushed = await store.pushConfig([C, A, C], s2, 'district-admin', T0 + 1000, { all: true })
      expect(pushed.map((c) => [c.stationId, c.version])).toEqual([
        [C, 2],
        [A, 1],
        [C, 3],
      ])
      expect((await store.configHistory(C, 10)).map((c) => c.version)).toEqual([3, 2, 1])
    })

    it('keeps versions gap-free, and each push ordered against the others, when pushes to many stations and reports meet', async () => {
      const ids = Array.from({ length: 24 }, (_, i) => String(339901003001 + i))
      const order = (k: number) => {
        const rotated = [...ids.slice((k * 5) % 24), ...ids.slice(0, (k * 5) % 24)]
        return k % 2 === 1 ? rotated.reverse() : rotated
      }
      const settings = (k: number) => ({ uplink: { heartbeatIntervalS: 10 + k } })
      const [pushes] = await Promise.all([
        Promise.all(
          Array.from({ length: 6 }, (_, k) =>
            store.pushConfig(order(k), settings(k), `op-${k}`, T0 + k, { all: true }),
          ),
        ),
        Promise.all(
          ids.flatMap((id, i) => [
            store.recordHeartbeatConfig(id, 0, T0 + i),
            store.recordConfigState(id, configState(0, 0), T0 + i),
          ]),
        ),
      ])
      // pushes to the same stations are one after the other: each gave every station one version
      const versionOf = pushes.map((p, k) => {
        expect(p.map((c) => c.stationId)).toEqual(order(k))
        const versions = new Set(p.map((c) => c.version))
        expect(versions.size).toBe(1)
        return [...versions][0] as number
      })
      expect([...versionOf].sort()).toEqual([1, 2, 3, 4, 5, 6])
      const pushOf = (version: number) => versionOf.indexOf(version)
      const stored = (id: string, version: number): DesiredConfig => ({
        stationId: id,
        version,
        settings: settings(pushOf(version)),
        issuedBy: `op-${pushOf(version)}`,
        issuedAt: T0 + pushOf(version),
      })
      for (const id of ids)
        expect(await store.configHistory(id, 100)).toEqual([6, 5, 4, 3, 2, 1].map((v) => stored(id, v)))
      expect(await store.desiredConfigs()).toEqual(ids.map((id) => stored(id, 6)))
      // and audited in that order
      const audit = await h.audit()
      expect(audit.map((a) => (a.detail as { versions: [string, number][] }).versions[0]?.[1])).toEqual([
        1, 2, 3, 4, 5, 6,
      ])
      expect(audit.map((a) => a.actor)).toEqual([1, 2, 3, 4, 5, 6].map((v) => `op-${pushOf(v)}`))
      expect((await reports()).map((r) => [r.stationId, r.state, r.heartbeatVersion])).toEqual(
        ids.map((id) => [id, 'applied', 0]),
      )
    })

    it('keeps what each kiosk last reported: its configState and its heartbeat’s version, apart', async () => {
      expect(await reports()).toEqual([])
      const none = { desiredVersion: null, appliedVersion: null, state: null, problems: [], reportedAt: null }
      await store.recordHeartbeatConfig(B, 0, T0)
      expect(await reports()).toEqual([{ stationId: B, ...none, heartbeatVersion: 0, heartbeatAt: T0 }])
      const problems = [
        { path: '/devices/0/port', message: '串口 /dev/ttyUSB0 不存在' },
        { path: '/face/securityLevel', message: 'must be one of low, normal, high' },
      ]
      const rejected = configState(2, 1, { state: 'rejected', problems })
      await store.recordConfigState(B, rejected, T0 + 1000)
      await store.recordConfigState(A, configState(1, 1), T0 + 2000)
      expect(await reports()).toEqual([
        {
          stationId: A,
          desiredVersion: 1,
          appliedVersion: 1,
          state: 'applied',
          problems: [],
          reportedAt: '2026-11-25T09:00:03.250+08:00',
          heartbeatVersion: null,
          heartbeatAt: null,
        },
        {
          stationId: B,
          desiredVersion: 2,
          appliedVersion: 1,
          state: 'rejected',
          problems,
          reportedAt: '2026-11-25T09:00:03.250+08:00',
          heartbeatVersion: 0,
          heartbeatAt: T0,
        },
      ])
      // a later state replaces the earlier one whole; a heartbeat leaves it be
      await store.recordConfigState(B, configState(3, 3, { at: '2026-11-25T09:10:00.000+08:00' }), T0 + 3000)
      await store.recordHeartbeatConfig(B, 3, T0 + 4000)
      expect((await reports())[1]).toEqual({
        stationId: B,
        desiredVersion: 3,
        appliedVersion: 3,
        state: 'applied',
        problems: [],
        reportedAt: '2026-11-25T09:10:00.000+08:00',
        heartbeatVersion: 3,
        heartbeatAt: T0 + 4000,
      })
    })

    it('stores what a kiosk sends in the order it arrived, even when nobody waits in between', async () => {
      const cs = [1, 2, 3, 4, 5].map((n) => newCmd(n, A))
      await store.issueCommands(cs, 'district-admin', T0)
      const changed = await Promise.all([
        ...cs.flatMap((c, i) => [
          store.recordCommandResult(A, answer(c, 'accepted'), T0 + 1000 + i),
          store.recordCommandResult(A, answer(c, 'succeeded', `roster ${i} synced`), T0 + 2000 + i),
        ]),
        store.recordConfigState(A, configState(2, 1, { state: 'rejected', problems: [] }), T0 + 1000),
        store.recordConfigState(A, configState(3, 3), T0 + 1001),
        store.recordHeartbeatConfig(A, 1, T0 + 1000),
        store.recordHeartbeatConfig(A, 3, T0 + 1001),
      ])
      expect(changed.slice(0, 10)).toEqual(Array(10).fill(true))
      expect(await store.commands({ stationId: A, limit: 10 })).toEqual(
        cs
          .map((c, i) =>
            issued(c, 'district-admin', T0, {
              state: 'succeeded',
              detail: `roster ${i} synced`,
              acceptedAt: T0 + 1000 + i,
              finishedAt: T0 + 2000 + i,
            }),
          )
          .reverse(),
      )
      expect(await reports()).toMatchObject([
        { stationId: A, desiredVersion: 3, appliedVersion: 3, state: 'applied', heartbeatVersion: 3 },
      ])
    })

    commandCases(() => h)
  })
}
