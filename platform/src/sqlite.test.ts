import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from './sqlite.js'

const v1 = {
  version: 1,
  name: 'notes',
  sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)',
}
const v2 = {
  version: 2,
  name: 'notes.author',
  sql: "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT ''",
}

describe('openDatabase', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 'ejia-platform-')), 'db', 'test.db')

  it('creates the file in WAL mode with synchronous=FULL and applies migrations in order', async () => {
    const f = file()
    const db = await openDatabase(f, { migrations: [v1, v2] })
    expect((await db.get('PRAGMA journal_mode'))?.journal_mode).toBe('wal')
    expect((await db.get('PRAGMA synchronous'))?.synchronous).toBe(2) // 2 = FULL
    expect((await db.get('PRAGMA user_version'))?.user_version).toBe(2)
    await db.run("INSERT INTO notes (text, author) VALUES ('x', 'y')")
    await db.close()
  })

  it('upgrades an older file and keeps its rows', async () => {
    const f = file()
    const old = await openDatabase(f, { migrations: [v1] })
    await old.run("INSERT INTO notes (text) VALUES ('kept')")
    await old.close()
    const db = await openDatabase(f, { migrations: [v1, v2] })
    expect(await db.all('SELECT text, author FROM notes')).toEqual([{ text: 'kept', author: '' }])
    await db.close()
  })

  it('refuses a file from a newer schema instead of touching it', async () => {
    const f = file()
    await (await openDatabase(f, { migrations: [v1, v2] })).close()
    await expect(openDatabase(f, { migrations: [v1] })).rejects.toMatchObject({ code: 'schemaTooNew' })
  })

  it('rolls back a failing migration and leaves the version where it was', async () => {
    const f = file()
    await (await openDatabase(f, { migrations: [v1] })).close()
    const broken = { version: 2, name: 'broken', sql: 'ALTER TABLE nope ADD COLUMN x' }
    await expect(openDatabase(f, { migrations: [v1, broken] })).rejects.toMatchObject({
      code: 'migrationFailed',
    })
    const db = await openDatabase(f, { migrations: [v1] })
    expect((await db.get('PRAGMA user_version'))?.user_version).toBe(1)
    await db.close()
  })
})
