import { createHash } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { backupHub, listBackups, restoreHub, verifyBackup } from '@ejia/hub'
import { openDatabaseReadOnly } from '@ejia/platform'
import { stationTopic } from '@ejia/protocol'
import sharp from 'sharp'
import sqlite3 from 'sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { apiToken, operatorAuth, startTestHub, TEST_ADMIN, type TestHub } from '../helpers/hub.js'
import { checkinEvent, connectStation } from '../helpers/mqtt.js'
import { until } from '../helpers/wait.js'

const LEDGER = 'hub.db'

/** Every event id in a hub database file, in seq order. */
async function eventIds(file: string): Promise<string[]> {
  const db = await openDatabaseReadOnly(file)
  try {
    return (await db.all<{ id: string }[]>('SELECT event_id AS id FROM events ORDER BY seq')).map((r) => r.id)
  } finally {
    await db.close()
  }
}

/** Runs SQL on a file with the bare driver (to damage a copy as a test must). */
function execOn(file: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => {
      if (err) return reject(err)
      db.exec(sql, (e) => db.close(() => (e ? reject(e) : resolve())))
    })
  })
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

/**
 * Medium tier, the acceptance test of hub backups: a real hub with stations, people, an
 * operator, an alarm, a photo and events arriving over MQTT is backed up online while
 * events still stream in; then it is stopped, its data folder wrecked, the backup
 * restored, and the hub started again on it.
 */
describe('hub backup and restore', () => {
  const district = makeDistrict(2)
  const [a, b] = district.configs as [(typeof district.configs)[0], (typeof district.configs)[0]]
  const dataDir = mkdtempSync(join(tmpdir(), 'ejia-hub-'))
  const backupDir = mkdtempSync(join(tmpdir(), 'ejia-backup-'))
  let hub: TestHub | undefined
  afterAll(async () => {
    await hub?.stop()
  })

  it('backs up a hub while it ingests, and restores it whole', { timeout: 60_000 }, async () => {
    hub = await startTestHub(district.registry, { dataDir, fleetWatch: { checkEveryMs: 50 } })
    const running = hub
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${running.api}${path}`, {
        method,
        headers: { ...running.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      return { status: res.status, body: (await res.json()) as Record<string, any> }
    }
    const people = [
      { personId: `${a.station.id}-c001`, stationId: a.station.id, name: '袁娜', roles: ['cadre', 'member'] },
      { personId: `${a.station.id}-m001`, stationId: a.station.id, name: '朱涛红', roles: ['member'] },
    ]
    expect((await call('PUT', '/api/people', { people })).status).toBe(200)
    await operatorAuth(running, { username: 'town-clerk', tier: 'town', scope: a.station.townCode })
    // an alarm: five refused logins naming station b
    for (let i = 0; i < 5; i++)
      await expect(connectStation(running.mqttUrl, b.station.id, 'not-the-secret')).rejects.toThrow()
    const alarm = await until('the deniedLogins alarm', async () => {
      const { body } = await call('GET', '/api/alarms?active=true')
      return (body.alarms as { id: number; kind: string }[]).find((x) => x.kind === 'deniedLogins')
    })
    // a photo, uploaded as the kiosk does
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#8a6' } })
      .jpeg()
      .toBuffer()
    const photoId = createHash('sha256').update(jpeg).digest('hex')
    const put = await fetch(`${running.api}/api/stations/${a.station.id}/photos/${photoId}`, {
      method: 'PUT',
      headers: {
        'content-type': 'image/jpeg',
        authorization: `Basic ${Buffer.from(`${a.hub.username}:${a.hub.password}`).toString('base64')}`,
      },
      body: jpeg,
    })
    expect(put.status).toBe(201)

    // events keep arriving while the backup is taken
    const st = await connectStation(running.mqttUrl, a.station.id, a.hub.password)
    let seq = 0
    let acked = 0
    let streaming = true
    const sent: string[] = []
    const stream = (async () => {
      while (streaming) {
        const events = Array.from({ length: 20 }, () => checkinEvent(a.station.id, ++seq))
        sent.push(...events.map((e) => e.id))
        const ack = st.nextAck()
        await st.client.publishAsync(
          stationTopic(a.station.id, 'events'),
          JSON.stringify({ sentAt: new Date().toISOString(), events }),
          { qos: 1 },
        )
        await ack
        acked = seq
      }
    })()
    await until('some events in the ledger', async () => (acked >= 200 ? true : undefined))
    const ackedBefore = acked
    const manifest = await backupHub({
      ledger: join(dataDir, LEDGER),
      photosDir: join(dataDir, 'photos'),
      backupDir,
      hubVersion: 'test',
      now: Date.now,
    })
    const atBackupEnd = acked
    await until('events after the backup', async () => (acked >= atBackupEnd + 100 ? true : undefined))
    streaming = false
    await stream
    await st.close()

    const backupFile = join(backupDir, manifest.file)
    expect(manifest.sha256).toBe(sha256(backupFile))
    expect(manifest.rows).toMatchObject({ stations: 2, people: 2, operators: 2, alarms: 1 })
    // a snapshot taken mid-stream: some of the events, whole batches of 20, none half-written
    expect(manifest.rows.events).toBeGreaterThanOrEqual(ackedBefore)
    expect(manifest.rows.events).toBeLessThan(sent.length)
    expect((manifest.rows.events as number) % 20).toBe(0)
    expect(manifest.photos).toMatchObject({ copied: 2, files: 2 })
    const inBackup = await eventIds(backupFile)
    expect(inBackup).toEqual(sent.slice(0, inBackup.length))

    // refused while the hub runs
    await expect(
      restoreHub({ dataDir, from: backupFile, ledgerName: LEDGER, photosName: 'photos', now: Date.now }),
    ).rejects.toMatchObject({ code: 'hubRunning' })

    await running.stop()
    hub = undefined
    expect(existsSync(join(dataDir, 'hub.lock'))).toBe(false)
    // the disk goes bad: a wrecked database, its WAL left behind, and the photos gone
    writeFileSync(join(dataDir, LEDGER), Buffer.alloc(8192, 0x5a))
    writeFileSync(join(dataDir, `${LEDGER}-wal`), Buffer.alloc(4096, 0x33))
    rmSync(join(dataDir, 'photos'), { recursive: true })

    const restored = await restoreHub({
      dataDir,
      from: join(backupDir, manifest.file.replace(/\.db$/, '.json')),
      ledgerName: LEDGER,
      photosName: 'photos',
      now: Date.now,
    })
    expect(restored.manifest.sha256).toBe(manifest.sha256)
    expect(restored.replacedDir).not.toBeNull()
    expect(readdirSync(restored.replacedDir as string).sort()).toEqual([LEDGER, `${LEDGER}-wal`])
    expect(existsSync(join(dataDir, `${LEDGER}-wal`))).toBe(false)
    expect(restored.photos).toMatchObject({ copied: 2 })

    hub = await startTestHub(district.registry, { dataDir })
    const again = hub
    const get = async (path: string) =>
      (await (await fetch(`${again.api}${path}`, { headers: again.auth })).json()) as Record<string, any>
    // every event the manifest counts, and no other
    expect(await eventIds(join(dataDir, LEDGER))).toEqual(inBackup)
    expect((await get(`/api/stations/${a.station.id}`)).ledger).toMatchObject({
      events: manifest.rows.events,
      seqMax: manifest.rows.events,
      missing: 0,
    })
    // the operators log in with their passwords (startTestHub logged the admin in already)
    expect(await apiToken(again.api, TEST_ADMIN.username, TEST_ADMIN.password)).toBeTruthy()
    expect(await apiToken(again.api, 'town-clerk', 'town-clerk-password')).toBeTruthy()
    const peopleNow = (await get(`/api/people?station=${a.station.id}`)) as {
      people: { personId: string; name: string }[]
    }
    expect(peopleNow.people.map((p) => [p.personId, p.name]).sort()).toEqual(
      people.map((p) => [p.personId, p.name]).sort(),
    )
    expect(
      ((await get('/api/alarms')).alarms as { id: number; kind: string }[]).map((x) => [x.id, x.kind]),
    ).toContainEqual([alarm.id, 'deniedLogins'])
    // the photo is back from the mirror, byte for byte (the API serves photos an event names)
    expect(readFileSync(join(dataDir, 'photos', a.station.id, `${photoId}.jpg`)).equals(jpeg)).toBe(true)
    expect(existsSync(join(dataDir, 'photos', a.station.id, `${photoId}.thumb.jpg`))).toBe(true)
  })

  it('refuses a damaged backup, one from a newer hub, and a hub that runs', { timeout: 30_000 }, async () => {
    const [first] = readdirSync(backupDir).filter((n) => n.endsWith('.json'))
    const good = join(backupDir, first as string)
    expect((await verifyBackup(good)).manifest.rows.events).toBeGreaterThan(0)
    const manifest = JSON.parse(readFileSync(good, 'utf8')) as {
      file: string
      sha256: string
      schemaVersion: number
    }
    const copyAs =
      (name: string, edit: (dbFile: string) => void | Promise<void>, fixSum: boolean) => async () => {
        const dir = mkdtempSync(join(tmpdir(), 'ejia-backup-bad-'))
        const db = join(dir, `hub-${name}.db`)
        copyFileSync(join(backupDir, manifest.file), db)
        await edit(db)
        const m = { ...manifest, file: `hub-${name}.db`, ...(fixSum ? { sha256: sha256(db) } : {}) }
        writeFileSync(join(dir, `hub-${name}.json`), JSON.stringify(m))
        return join(dir, `hub-${name}.json`)
      }
    const flip = (db: string) => {
      const bytes = readFileSync(db)
      bytes.fill(0x00, 4096, 12_288) // pages 2 and 3 zeroed
      writeFileSync(db, bytes)
    }
    const restoreInto = (from: string) =>
      restoreHub({
        dataDir: mkdtempSync(join(tmpdir(), 'ejia-hub-')),
        from,
        ledgerName: LEDGER,
        photosName: 'photos',
        now: Date.now,
      })

    // damaged in storage: the checksum says so
    await expect(restoreInto(await copyAs('bitrot', flip, false)())).rejects.toMatchObject({
      code: 'checksum',
    })
    // damaged before its checksum was taken: SQLite's integrity check says so
    await expect(restoreInto(await copyAs('corrupt', flip, true)())).rejects.toMatchObject({
      code: 'integrity',
    })
    // written by a newer hub: refused with the versions named
    const newer = await copyAs('newer', (db) => execOn(db, 'PRAGMA user_version = 999'), true)()
    const refusal = restoreInto(newer)
    await expect(refusal).rejects.toMatchObject({ code: 'schemaTooNew' })
    await expect(refusal).rejects.toThrow(/schema version 999.*knows up to \d+/)

    // the restored hub of the first test still runs on its folder
    await expect(
      restoreHub({ dataDir, from: good, ledgerName: LEDGER, photosName: 'photos', now: Date.now }),
    ).rejects.toMatchObject({ code: 'hubRunning' })
  })

  it('backs up on a schedule, keeps the newest, and shows the age in /api/health and /metrics', {
    timeout: 30_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ejia-backup-'))
    const scheduled = await startTestHub(district.registry, {
      backup: { backupDir: dir, everyMs: 200, keep: 2 },
      metricsPublic: true,
    })
    try {
      // long enough for four backups (every 200 ms), of which the newest two are kept
      await new Promise((r) => setTimeout(r, 800))
      await until('two backups kept', async () => {
        const files = readdirSync(dir).filter((n) => /^hub-.*\.json$/.test(n))
        return files.length === 2 && (await listBackups(dir)).length === 2 ? files : undefined
      })
      const health = (await (await fetch(`${scheduled.api}/api/health`)).json()) as {
        backup: Record<string, unknown>
      }
      expect(health.backup).toMatchObject({ dir, everyS: 0, stale: false, lastError: null })
      expect(health.backup.ageS).toBeLessThan(5)
      const metrics = await (await fetch(`${scheduled.api}/metrics`)).text()
      const last = Number(/^ejia_hub_backup_last_success_timestamp_seconds (\S+)$/m.exec(metrics)?.[1])
      expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(5)
    } finally {
      await scheduled.stop()
    }
    // a backup folder that cannot be written: the failure shows as stale, with its reason
    const blocked = join(mkdtempSync(join(tmpdir(), 'ejia-backup-')), 'not-a-dir')
    writeFileSync(blocked, 'x')
    const failing = await startTestHub(district.registry, {
      backup: { backupDir: blocked, everyMs: 200, keep: 2 },
    })
    try {
      const status = await until('a failed backup', async () => {
        const h = (await (await fetch(`${failing.api}/api/health`)).json()) as {
          backup: Record<string, unknown>
        }
        return h.backup.lastError ? h.backup : undefined
      })
      expect(status).toMatchObject({ stale: true, lastAt: null })
      expect(String(status.lastError)).toMatch(/ENOTDIR|EEXIST|not a directory/)
    } finally {
      await failing.stop()
    }
  })
})
