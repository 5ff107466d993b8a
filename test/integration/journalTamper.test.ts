import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEdge } from '@ejia/edge'
import type { Event } from '@ejia/protocol'
import { eventHash, journalKeyFromPem, signHash } from '@ejia/protocol/chain'
import pino from 'pino'
import sqlite3 from 'sqlite3'
import { describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub } from '../helpers/hub.js'
import { editByHand } from '../helpers/sqliteByHand.js'
import { until } from '../helpers/wait.js'

const log = pino({ level: 'silent' })

interface Row {
  seq: number
  id: string
  type: string
  time: string
  body: string
  prev: string | null
  hash: string | null
}

/** The journal's rows as the file holds them, read without the agent. */
function readJournal(file: string): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
      if (err) return reject(err)
      db.all<Row>('SELECT seq, id, type, time, body, prev, hash FROM events ORDER BY seq', (e, rows) =>
        db.close(() => (e ? reject(e) : resolve(rows))),
      )
    })
  })
}

const sqlText = (v: string) => `'${v.replaceAll("'", "''")}'`

/**
 * Issue 10, the tamper-evident journal: a real kiosk's journal.db is edited by hand, the way
 * someone with the sqlite3 shell (and, for the worst case, the kiosk's key file) would, and
 * the hub must notice every change and keep what it stored first.
 */
describe('a kiosk journal edited by hand', () => {
  it('is caught at the hub: edits, a re-signed edit, forged and back-dated inserts, each a finding', {
    timeout: 60_000,
  }, async () => {
    const district = makeDistrict(1)
    const config = structuredClone(district.configs[0]!)
    const stationId = config.station.id
    const hub = await startTestHub(district.registry)
    config.hub.mqttUrl = hub.mqttUrl
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-kiosk-'))
    config.localApi.port = 0
    config.uplink.reconnectPeriodS = 0.3
    const journalFile = join(config.dataDir, 'journal.db')
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${hub.api}${path}`, {
        method,
        headers: { ...hub.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      return (await res.json()) as any
    }
    const findings = async () =>
      ((await api('GET', `/api/integrity?station=${stationId}`)).findings as { kind: string; seq: number }[])
        .map((f) => `${f.kind}@${f.seq}`)
        .reverse()
    const ledgerBody = async (seq: number) => {
      const { events } = await api('GET', `/api/events?station=${stationId}&limit=1000`)
      return (events as { seq: number; body: { personId?: string } }[]).filter((e) => e.seq === seq)
    }

    let edge = await startEdge(config, { log })
    try {
      for (let i = 1; i <= 10; i++) {
        const res = await fetch(`${edge.localApiUrl}/api/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'checkin', body: { personId: `p-${i}`, method: 'card' } }),
        })
        expect(res.status).toBe(201)
      }
      // agent.start and 10 check-ins, all signed: the first pinned the kiosk's key, nothing else found
      await until('11 events stored', async () => {
        const { ledger } = await api('GET', `/api/stations/${stationId}`)
        return ledger.events === 11 ? true : undefined
      })
      expect(await findings()).toEqual(['keyPinned@null'])
      await edge.stop()

      const rows = await readJournal(journalFile)
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1))
      const key = journalKeyFromPem(readFileSync(join(config.dataDir, 'journal-key.pem'), 'utf8'))
      const asEvent = (r: Row, over: Partial<Event> = {}): Event =>
        ({
          id: r.id,
          stationId,
          seq: r.seq,
          time: r.time,
          type: r.type,
          body: JSON.parse(r.body),
          ...(r.prev === null ? {} : { prev: r.prev }),
          ...over,
        }) as Event
      const row = (seq: number) => rows.find((r) => r.seq === seq) as Row

      // 1. seq 5, already at the hub: the person changed with the shell, the signature left as it was
      await editByHand(
        journalFile,
        `UPDATE events SET body = json_set(body, '$.personId', 'p-forged') WHERE seq = 5`,
      )
      // 2. seq 3, already at the hub: changed and signed again with the kiosk's own key file
      const resigned = asEvent(row(3), { body: { personId: 'p-resigned', method: 'card' } } as Partial<Event>)
      await editByHand(
        journalFile,
        `UPDATE events SET body = ${sqlText(JSON.stringify(resigned.body))},
           sig = ${sqlText(signHash(eventHash(resigned), key.privateKey))} WHERE seq = 3`,
      )
      // 3. a back-dated check-in added at the end, properly linked and signed with the key file
      const yearAgo = '2025-11-25T01:00:00.000Z'
      const backdated = asEvent(row(11), {
        id: '0190a1b2-c3d4-7e5f-8a9b-00000000000c',
        seq: 12,
        time: yearAgo,
        type: 'checkin',
        body: { personId: 'p-absent', method: 'card' },
        prev: row(11).hash as string,
      } as Partial<Event>)
      const backdatedHash = eventHash(backdated)
      // 4. another added after it without the key: a signature copied from another row
      const forged = asEvent(row(11), {
        id: '0190a1b2-c3d4-7e5f-8a9b-00000000000d',
        seq: 13,
        time: yearAgo,
        type: 'checkin',
        body: { personId: 'p-absent-too', method: 'card' },
        prev: backdatedHash,
      } as Partial<Event>)
      const insert = (e: Event, hash: string, sig: string) =>
        `INSERT INTO events (seq, id, type, time, body, recorded_at, prev, hash, sig) VALUES
           (${e.seq}, ${sqlText(e.id)}, 'checkin', ${sqlText(e.time)}, ${sqlText(JSON.stringify(e.body))},
            ${Date.parse(e.time)}, ${sqlText(e.prev as string)}, ${sqlText(hash)}, ${sqlText(sig)});`
      const copiedSig = signHash(eventHash(asEvent(row(11))), key.privateKey)
      await editByHand(
        journalFile,
        insert(backdated, backdatedHash, signHash(backdatedHash, key.privateKey)) +
          insert(forged, eventHash(forged), copiedSig),
      )

      // the kiosk back: it sends 12 and 13, and is asked to send everything again
      edge = await startEdge(config, { log })
      const issued = await api('POST', '/api/commands', {
        target: { station: stationId },
        name: 'reupload',
        args: { fromSeq: 1 },
      })
      expect(issued.commands).toHaveLength(1)
      // the agent would not link its next event (agent.start, 14) to a row it did not sign: a new chain
      const expected = [
        'keyPinned@null',
        'backdated@12',
        'badSignature@13',
        'chainRestart@14',
        'edited@3',
        'badSignature@5',
      ]
      const found = await until('every change found', async () => {
        const f = await findings()
        return expected.every((k) => f.includes(k)) ? f : undefined
      })
      // nothing else: the untouched events, sent again, are plain duplicates
      expect([...found].sort()).toEqual([...expected].sort())

      // the hub kept what it stored first (seq 1 is agent.start); the back-dated event is in, flagged; the forged one is not
      expect((await ledgerBody(3)).map((e) => e.body.personId)).toEqual(['p-2'])
      expect((await ledgerBody(5)).map((e) => e.body.personId)).toEqual(['p-4'])
      expect((await ledgerBody(12)).map((e) => e.body.personId)).toEqual(['p-absent'])
      expect(await ledgerBody(13)).toEqual([])
      // the whole edited event is kept with its finding, for the auditors
      const { findings: all } = await api('GET', `/api/integrity?station=${stationId}`)
      const bad5 = (all as { kind: string; seq: number; event: Event }[]).find(
        (f) => f.kind === 'badSignature' && f.seq === 5,
      )
      expect(bad5?.event.body).toMatchObject({ personId: 'p-forged' })
      // and operators are alarmed
      const alarm = await until('the integrity alarm', async () => {
        const { alarms } = await api('GET', '/api/alarms')
        return (alarms as { kind: string; stationId: string }[]).find(
          (a) => a.kind === 'journalIntegrity' && a.stationId === stationId,
        )
      })
      expect(alarm).toBeDefined()
      // the kiosk keeps the refused ones as dead letters, and goes on with signed events
      const res = await fetch(`${edge.localApiUrl}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'checkin', body: { personId: 'p-after', method: 'card' } }),
      })
      expect(res.status).toBe(201)
      await until('the next check-in stored', async () =>
        (await ledgerBody(14)).length === 1 ? true : undefined,
      )
    } finally {
      await edge.stop()
      await hub.stop()
    }
  })
})
