import { hashSecret, verifySecret } from '@ejia/platform'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Operator } from '../auth/operator.js'
import { type NewOperator, OperatorError, type OperatorStore } from './operatorStore.js'

const T0 = Date.parse('2026-11-25T01:00:00Z')
const MIN = 60_000
const IDLE = 12 * 3600_000

/** One adapter's operator store, over a database of its own. */
export interface OperatorHarness {
  operators: OperatorStore
  /**
   * Deletes an operator's row as an administrator would by hand (the port has no delete):
   * the schema's ON DELETE CASCADE must take their sessions and tokens with it.
   */
  deleteOperator(username: string): Promise<void>
  close(): Promise<void>
}

const PASSWORD = '春风又绿江南岸-2026'
// hashing is slow on purpose: once for the file
const passwordHash = hashSecret(PASSWORD)

const admin = (hash: string): NewOperator => ({
  username: 'admin',
  displayName: '区级管理员',
  tier: 'district',
  scope: null,
  passwordHash: hash,
})
const town: NewOperator = {
  username: 'li_na',
  displayName: '李娜',
  tier: 'town',
  scope: '339901001',
  passwordHash: 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5',
}
/** Two cadres of one station: code point order puts the capital first, a locale would not. */
const cadreA: NewOperator = {
  username: 'wang.fang',
  displayName: '王芳',
  tier: 'station',
  scope: '339901001001',
  passwordHash: 'scrypt$16384$8$1$d2FuZ2Zhbmc$aGFzaGhhc2hoYXNoaGFzaGhhc2g',
}
const cadreB: NewOperator = {
  username: 'Zhao.min',
  displayName: '赵敏',
  tier: 'station',
  scope: '339901001001',
  passwordHash: 'scrypt$16384$8$1$emhhb21pbg$aGFzaGhhc2hoYXNoaGFzaGhhc2g',
}
const cadreC: NewOperator = {
  username: 'chen.jie',
  displayName: '陈杰',
  tier: 'station',
  scope: '339901002001',
  passwordHash: 'scrypt$16384$8$1$Y2hlbmppZQ$aGFzaGhhc2hoYXNoaGFzaGhhc2g',
}

const asOperator = (op: NewOperator, createdAt: number, disabled = false): Operator => ({
  username: op.username,
  displayName: op.displayName,
  tier: op.tier,
  scope: op.scope,
  disabled,
  createdAt,
})

/**
 * The contract of the OperatorStore port (operatorStore.ts), run against each adapter:
 * SQLite (sqlite/sqliteOperatorStore.test.ts) and PostgreSQL (postgres/pgOperatorStore.test.ts).
 */
export function operatorStoreContract(name: string, open: () => Promise<OperatorHarness>): void {
  describe(`OperatorStore contract: ${name}`, () => {
    let h: OperatorHarness
    let ops: OperatorStore
    beforeEach(async () => {
      h = await open()
      ops = h.operators
    })
    afterEach(async () => {
      await h.close()
    })

    /** Everyone above, made a minute apart. */
    const createAll = async () => {
      const hash = await passwordHash
      await ops.create(admin(hash), T0)
      await ops.create(town, T0 + MIN)
      await ops.create(cadreA, T0 + 2 * MIN)
      await ops.create(cadreB, T0 + 3 * MIN)
      await ops.create(cadreC, T0 + 4 * MIN)
      return hash
    }

    it('creates operators once each, and lists them by tier, scope and username', async () => {
      expect(await ops.count()).toBe(0)
      expect(await ops.list()).toEqual([])
      const hash = await passwordHash
      expect(await ops.create(admin(hash), T0)).toEqual(asOperator(admin(hash), T0))
      expect(await ops.create(town, T0 + MIN)).toEqual(asOperator(town, T0 + MIN))
      await ops.create(cadreA, T0 + 2 * MIN)
      await ops.create(cadreB, T0 + 3 * MIN)
      await ops.create(cadreC, T0 + 4 * MIN)
      const taken = ops.create({ ...cadreA, displayName: '另一个王芳', scope: '339901002001' }, T0 + 5 * MIN)
      await expect(taken).rejects.toBeInstanceOf(OperatorError)
      await expect(taken).rejects.toMatchObject({ code: 'exists' })
      expect(await ops.count()).toBe(5)
      expect(await ops.get('admin')).toEqual({ ...asOperator(admin(hash), T0), passwordHash: hash })
      expect(await verifySecret(PASSWORD, (await ops.get('admin'))?.passwordHash ?? '')).toBe(true)
      expect(await ops.get('wang.fang')).toEqual({
        ...asOperator(cadreA, T0 + 2 * MIN),
        passwordHash: cadreA.passwordHash,
      })
      // usernames are exact
      expect(await ops.get('ADMIN')).toBeUndefined()
      expect(await ops.get('zhao.min')).toBeUndefined()
      expect(await ops.list()).toEqual([
        asOperator(admin(hash), T0),
        asOperator(cadreB, T0 + 3 * MIN),
        asOperator(cadreA, T0 + 2 * MIN),
        asOperator(cadreC, T0 + 4 * MIN),
        asOperator(town, T0 + MIN),
      ])
    })

    it('creates a username once when several create it at once', async () => {
      // reads at once first, so that a pooled adapter has its connections open and the creates do race
      await Promise.all(Array.from({ length: 8 }, () => ops.count()))
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => ops.create({ ...cadreA, displayName: `王芳${i}` }, T0 + i)),
      )
      const made = results.filter((r) => r.status === 'fulfilled')
      const refused = results.filter((r) => r.status === 'rejected')
      expect(made).toHaveLength(1)
      expect(refused.map((r) => (r.reason as OperatorError).code)).toEqual(Array(5).fill('exists'))
      expect(await ops.list()).toEqual([made[0]?.value])
      expect(await ops.count()).toBe(1)
    })

    it('keeps a session until it expires, is touched or ended', async () => {
      const hash = await createAll()
      await ops.createSession('sess-admin', 'admin', 'csrf-1', T0 + 10 * MIN, T0 + 10 * MIN + IDLE)
      const expected = {
        operator: asOperator(admin(hash), T0),
        csrf: 'csrf-1',
        createdAt: T0 + 10 * MIN,
        expiresAt: T0 + 10 * MIN + IDLE,
        lastSeenAt: T0 + 10 * MIN,
      }
      expect(await ops.session('sess-admin', T0 + 11 * MIN)).toEqual(expected)
      expect(await ops.session('sess-admin', T0 + 10 * MIN + IDLE - 1)).toEqual(expected)
      // expired at its expiry
      expect(await ops.session('sess-admin', T0 + 10 * MIN + IDLE)).toBeUndefined()
      expect(await ops.session('sess-unknown', T0 + 11 * MIN)).toBeUndefined()
      await ops.touchSession('sess-admin', T0 + 70 * MIN, T0 + 70 * MIN + IDLE)
      expect(await ops.session('sess-admin', T0 + 10 * MIN + IDLE + 1)).toEqual({
        ...expected,
        expiresAt: T0 + 70 * MIN + IDLE,
        lastSeenAt: T0 + 70 * MIN,
      })
      await ops.touchSession('sess-unknown', T0 + 70 * MIN, T0 + 70 * MIN + IDLE)
      // the same operator in two browsers
      await ops.createSession('sess-admin-2', 'admin', 'csrf-2', T0 + 80 * MIN, T0 + 80 * MIN + IDLE)
      await ops.endSession('sess-admin')
      await ops.endSession('sess-unknown')
      expect(await ops.session('sess-admin', T0 + 81 * MIN)).toBeUndefined()
      expect(await ops.session('sess-admin-2', T0 + 81 * MIN)).toMatchObject({ csrf: 'csrf-2' })
    })

    it('removes everyone’s expired sessions when someone logs in, and refuses a session of no operator', async () => {
      await createAll()
      await ops.createSession('s-wang', 'wang.fang', 'c1', T0, T0 + 10 * MIN)
      await ops.createSession('s-zhao', 'Zhao.min', 'c2', T0, T0 + 20 * MIN)
      await ops.createSession('s-li', 'li_na', 'c3', T0, T0 + 30 * MIN)
      // at 20 minutes: wang's has expired, zhao's expires now, li's lives on
      await ops.createSession('s-chen', 'chen.jie', 'c4', T0 + 20 * MIN, T0 + 40 * MIN)
      // asked as of before, a removed session is gone, a kept one is there
      expect(await ops.session('s-wang', T0)).toBeUndefined()
      expect(await ops.session('s-zhao', T0)).toBeUndefined()
      expect(await ops.session('s-li', T0)).toMatchObject({ csrf: 'c3', operator: { username: 'li_na' } })
      expect(await ops.session('s-chen', T0 + 21 * MIN)).toMatchObject({
        csrf: 'c4',
        createdAt: T0 + 20 * MIN,
      })
      await expect(ops.createSession('s-ghost', 'ghost', 'c5', T0, T0 + IDLE)).rejects.toThrow()
      expect(await ops.session('s-ghost', T0)).toBeUndefined()
      // a session id is one session's
      await expect(ops.createSession('s-li', 'admin', 'c6', T0 + 21 * MIN, T0 + IDLE)).rejects.toThrow()
      expect(await ops.session('s-li', T0 + 21 * MIN)).toMatchObject({
        csrf: 'c3',
        operator: { username: 'li_na' },
      })
    })

    it('ends an operator’s sessions on a new password, tier or scope, or disabling, and keeps their tokens', async () => {
      const hash = await createAll()
      const login = async (id: string) => {
        await ops.createSession(id, 'li_na', `csrf-${id}`, T0 + 10 * MIN, T0 + 10 * MIN + IDLE)
        await ops.createSession(`${id}-admin`, 'admin', 'x', T0 + 10 * MIN, T0 + 10 * MIN + IDLE)
      }
      const alive = async (id: string) => (await ops.session(id, T0 + 11 * MIN)) !== undefined
      await ops.createToken('tok1', 'hash-1', 'li_na', '月报导出', T0)
      await login('s1')
      // a new display name, or nothing at all, keeps the sessions
      expect(await ops.update('li_na', { displayName: '李娜（镇）' }, T0 + 11 * MIN)).toEqual({
        ...asOperator(town, T0 + MIN),
        displayName: '李娜（镇）',
      })
      expect(await ops.update('li_na', {}, T0 + 11 * MIN)).toMatchObject({ displayName: '李娜（镇）' })
      expect(
        await ops.update('li_na', { tier: 'town', scope: '339901001', disabled: false }, T0),
      ).toMatchObject({ tier: 'town', scope: '339901001', disabled: false })
      expect(await ops.session('s1', T0 + 11 * MIN)).toMatchObject({
        operator: { displayName: '李娜（镇）' },
        csrf: 'csrf-s1',
      })
      const newHash = await hashSecret('另一个足够长的密码')
      expect(await ops.update('li_na', { passwordHash: newHash }, T0 + 12 * MIN)).toEqual({
        ...asOperator(town, T0 + MIN),
        displayName: '李娜（镇）',
      })
      expect(await alive('s1')).toBe(false)
      expect(await alive('s1-admin')).toBe(true)
      expect((await ops.get('li_na'))?.passwordHash).toBe(newHash)
      expect(await verifySecret('另一个足够长的密码', newHash)).toBe(true)

      await login('s2')
      expect(await ops.update('li_na', { scope: '339901002' }, T0 + 13 * MIN)).toMatchObject({
        scope: '339901002',
      })
      expect(await alive('s2')).toBe(false)
      await login('s3')
      expect(await ops.update('li_na', { tier: 'district', scope: null }, T0 + 14 * MIN)).toMatchObject({
        tier: 'district',
        scope: null,
      })
      expect(await alive('s3')).toBe(false)
      await login('s4')
      expect(await ops.update('li_na', { disabled: true }, T0 + 15 * MIN)).toEqual({
        username: 'li_na',
        displayName: '李娜（镇）',
        tier: 'district',
        scope: null,
        disabled: true,
        createdAt: T0 + MIN,
      })
      expect(await alive('s4')).toBe(false)
      expect(await alive('s4-admin')).toBe(true)
      expect(await ops.get('li_na')).toMatchObject({ disabled: true, passwordHash: newHash })
      // a disabled operator can hold no session and use no token, but keeps their tokens
      await ops.createSession('s5', 'li_na', 'c', T0 + 16 * MIN, T0 + IDLE)
      expect(await ops.session('s5', T0 + 17 * MIN)).toBeUndefined()
      expect(await ops.tokenOperator('hash-1', T0 + 17 * MIN)).toBeUndefined()
      expect((await ops.tokens('li_na')).map((t) => [t.id, t.lastUsedAt])).toEqual([['tok1', null]])
      // enabled again: the tokens work, the sessions stay ended, even one made while disabled
      // (a login that passed its password check as the admin disabled the account)
      expect(await ops.update('li_na', { disabled: false }, T0 + 18 * MIN)).toMatchObject({ disabled: false })
      expect(await alive('s4')).toBe(false)
      expect(await ops.session('s5', T0 + 18 * MIN)).toBeUndefined()
      expect(await ops.tokenOperator('hash-1', T0 + 19 * MIN)).toMatchObject({
        username: 'li_na',
        disabled: false,
      })
      expect((await ops.list()).map((o) => [o.username, o.tier, o.scope])).toEqual([
        ['admin', 'district', null],
        ['li_na', 'district', null],
        ['Zhao.min', 'station', '339901001001'],
        ['wang.fang', 'station', '339901001001'],
        ['chen.jie', 'station', '339901002001'],
      ])
      const unknown = ops.update('ghost', { disabled: true }, T0)
      await expect(unknown).rejects.toBeInstanceOf(OperatorError)
      await expect(unknown).rejects.toMatchObject({ code: 'notFound' })
      expect(await ops.get('admin')).toMatchObject({ passwordHash: hash })
    })

    it('keeps API tokens: their operator, uses noted a minute apart, listing and revoking', async () => {
      const hash = await createAll()
      expect(
        await ops.createToken('a1b2c3d4e5f6', 'digest-export', 'admin', '夜间导出', T0 + 10 * MIN),
      ).toEqual({
        id: 'a1b2c3d4e5f6',
        username: 'admin',
        name: '夜间导出',
        createdAt: T0 + 10 * MIN,
        lastUsedAt: null,
      })
      await ops.createToken('0f0e0d0c0b0a', 'digest-backup', 'admin', '备份', T0 + 5 * MIN)
      await ops.createToken('112233445566', 'digest-wang', 'wang.fang', '村务脚本', T0 + 6 * MIN)
      // a token's digest is one token's
      await expect(ops.createToken('ffffffffffff', 'digest-wang', 'admin', 'x', T0)).rejects.toThrow()
      await expect(ops.createToken('eeeeeeeeeeee', 'digest-ghost', 'ghost', 'x', T0)).rejects.toThrow()
      expect(await ops.tokens('admin')).toEqual([
        { id: '0f0e0d0c0b0a', username: 'admin', name: '备份', createdAt: T0 + 5 * MIN, lastUsedAt: null },
        {
          id: 'a1b2c3d4e5f6',
          username: 'admin',
          name: '夜间导出',
          createdAt: T0 + 10 * MIN,
          lastUsedAt: null,
        },
      ])
      expect(await ops.tokens('ghost')).toEqual([])

      const used = T0 + 20 * MIN
      expect(await ops.tokenOperator('digest-export', used)).toEqual(asOperator(admin(hash), T0))
      const lastUsed = async () =>
        (await ops.tokens('admin')).find((t) => t.id === 'a1b2c3d4e5f6')?.lastUsedAt
      expect(await lastUsed()).toBe(used)
      // within a minute of the noted use: not noted again; exactly a minute: neither
      await ops.tokenOperator('digest-export', used + 30_000)
      await ops.tokenOperator('digest-export', used + MIN)
      expect(await lastUsed()).toBe(used)
      await ops.tokenOperator('digest-export', used + MIN + 1)
      expect(await lastUsed()).toBe(used + MIN + 1)
      expect((await ops.tokens('admin')).find((t) => t.id === '0f0e0d0c0b0a')?.lastUsedAt).toBeNull()
      expect(await ops.tokenOperator('digest-unknown', used)).toBeUndefined()
      expect(await ops.tokenOperator('a1b2c3d4e5f6', used)).toBeUndefined()

      // only the token's own operator revokes it
      expect(await ops.revokeToken('wang.fang', 'a1b2c3d4e5f6')).toBe(false)
      expect(await ops.tokenOperator('digest-export', used + 2 * MIN)).toMatchObject({ username: 'admin' })
      expect(await ops.revokeToken('admin', 'a1b2c3d4e5f6')).toBe(true)
      expect(await ops.revokeToken('admin', 'a1b2c3d4e5f6')).toBe(false)
      expect(await ops.tokenOperator('digest-export', used + 3 * MIN)).toBeUndefined()
      expect((await ops.tokens('admin')).map((t) => t.id)).toEqual(['0f0e0d0c0b0a'])
      expect(await ops.tokenOperator('digest-wang', used)).toMatchObject({
        username: 'wang.fang',
        tier: 'station',
      })
    })

    it('takes an operator’s sessions and tokens with them when their row is deleted', async () => {
      await createAll()
      await ops.createSession('s-wang', 'wang.fang', 'c1', T0, T0 + IDLE)
      await ops.createSession('s-zhao', 'Zhao.min', 'c2', T0, T0 + IDLE)
      await ops.createToken('t-wang', 'digest-wang', 'wang.fang', '脚本', T0)
      await ops.createToken('t-zhao', 'digest-zhao', 'Zhao.min', '脚本', T0)
      await h.deleteOperator('wang.fang')
      expect(await ops.count()).toBe(4)
      expect(await ops.get('wang.fang')).toBeUndefined()
      // made again under the same name: nothing of the old one comes back
      await ops.create(cadreA, T0 + MIN)
      expect(await ops.session('s-wang', T0 + MIN)).toBeUndefined()
      expect(await ops.tokens('wang.fang')).toEqual([])
      expect(await ops.tokenOperator('digest-wang', T0 + MIN)).toBeUndefined()
      expect(await ops.session('s-zhao', T0 + MIN)).toMatchObject({ operator: { username: 'Zhao.min' } })
      expect((await ops.tokens('Zhao.min')).map((t) => t.id)).toEqual(['t-zhao'])
    })
  })
}
