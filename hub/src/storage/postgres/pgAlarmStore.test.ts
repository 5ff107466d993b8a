import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDatabase } from '../../../../bench/lib/postgres.js'
import { alarmStoreContract } from '../alarmStore.contract.js'
import { PgAlarmStore } from './pgAlarmStore.js'
import { PgStorage } from './pgStorage.js'

// the PostgreSQL server of this machine, a database of this file's own, emptied for each test
let db: Awaited<ReturnType<typeof tempDatabase>>
beforeAll(async () => {
  db = await tempDatabase()
})
afterAll(async () => {
  await db?.drop()
})

const open = async () => {
  const storage = await PgStorage.open(db.url)
  await storage.db.query('TRUNCATE alarms, audit, stations, towns, meta RESTART IDENTITY')
  return storage
}

alarmStoreContract('PostgreSQL', async () => {
  const storage = await open()
  return {
    storage,
    alarms: new PgAlarmStore(storage.db),
    audit: () => storage.db.query('SELECT at, actor, action, detail FROM audit ORDER BY id'),
  }
})

describe('PgAlarmStore schema', () => {
  it('refuses a second open alarm of a kind, station and subject whoever inserts it (alarms_open)', async () => {
    const storage = await open()
    try {
      const insert = (subject: string, clearedAt: number | null) =>
        storage.db.query(
          `INSERT INTO alarms (kind, station_id, subject, raised_at, detail, cleared_at)
           VALUES ('deviceFault', '339901001001', $1, 0, '{}', $2)`,
          [subject, clearedAt],
        )
      await insert('camera', null)
      await insert('camera', 5)
      await insert('cardReader', null)
      await expect(insert('camera', null)).rejects.toMatchObject({ code: '23505', constraint: 'alarms_open' })
      expect(await storage.db.query('SELECT count(*) AS n FROM alarms')).toEqual([{ n: 3 }])
    } finally {
      await storage.close()
    }
  })
})
