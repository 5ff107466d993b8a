import { randomBytes } from 'node:crypto'
import pg from 'pg'

/**
 * The PostgreSQL server of this machine (127.0.0.1:5432, trust auth), or the one
 * $EJIA_TEST_PG_URL names: an admin connection, used only to create and drop databases.
 */
export const PG_ADMIN_URL = process.env.EJIA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** A fresh, empty database of its own for one test file; `drop` removes it, connections and all. */
export async function tempDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `ejia_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(PG_ADMIN_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}
