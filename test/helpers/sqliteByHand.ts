import sqlite3 from 'sqlite3'

/**
 * Runs SQL on a SQLite file the way someone with the sqlite3 shell would: a plain
 * connection, none of the app's pragmas or migrations. For tests that tamper with a
 * kiosk's journal and check that the hub notices.
 */
export function editByHand(file: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => {
      if (err) return reject(err)
      db.exec(sql, (execErr) =>
        db.close((closeErr) => (execErr || closeErr ? reject(execErr ?? closeErr) : resolve())),
      )
    })
  })
}
