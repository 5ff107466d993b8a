import type { AlarmStore } from './alarmStore.js'
import type { ControlStore } from './controlStore.js'
import type { CredentialStore } from './credentialStore.js'
import type { IntegrityStore } from './integrityStore.js'
import type { OperatorStore } from './operatorStore.js'
import { PgAlarmStore } from './postgres/pgAlarmStore.js'
import { PgControlStore } from './postgres/pgControlStore.js'
import { PgCredentialStore } from './postgres/pgCredentialStore.js'
import { PgIntegrityStore } from './postgres/pgIntegrityStore.js'
import { PgOperatorStore } from './postgres/pgOperatorStore.js'
import { PgRevocationStore } from './postgres/pgRevocationStore.js'
import { PgStorage } from './postgres/pgStorage.js'
import { PgWorkStore } from './postgres/pgWorkStore.js'
import type { RevocationStore } from './revocationStore.js'
import { SqliteAlarmStore } from './sqlite/sqliteAlarmStore.js'
import { SqliteControlStore } from './sqlite/sqliteControlStore.js'
import { SqliteCredentialStore } from './sqlite/sqliteCredentialStore.js'
import { SqliteIntegrityStore } from './sqlite/sqliteIntegrityStore.js'
import { SqliteOperatorStore } from './sqlite/sqliteOperatorStore.js'
import { SqliteRevocationStore } from './sqlite/sqliteRevocationStore.js'
import { SqliteStorage } from './sqlite/sqliteStorage.js'
import { SqliteWorkStore } from './sqlite/sqliteWorkStore.js'
import type { Storage } from './storage.js'
import type { WorkStore } from './workStore.js'

/** Every store of the hub, on one database. */
export interface HubStores {
  kind: 'sqlite' | 'postgres'
  storage: Storage
  work: WorkStore
  alarms: AlarmStore
  control: ControlStore
  credentials: CredentialStore
  revocations: RevocationStore
  operators: OperatorStore
  integrity: IntegrityStore
  /** Told how long each write transaction took (for metrics). */
  observeTransactions(fn: (seconds: number, ok: boolean) => void): void
  close(): Promise<void>
}

/** A `store` value names PostgreSQL when it is a postgres:// or postgresql:// URL. */
export const isPostgresUrl = (store: string): boolean => /^postgres(ql)?:\/\//.test(store)

/**
 * The hub's stores on a SQLite file (one hub process) or a PostgreSQL database (a hub scaled
 * out, docs/SCALING.md), behind the same ports; each pair passes the same contract suite.
 */
export async function openHubStores(store: string, now: () => number): Promise<HubStores> {
  if (isPostgresUrl(store)) {
    const storage = await PgStorage.open(store)
    const { db } = storage
    return {
      kind: 'postgres',
      storage,
      work: new PgWorkStore(db, now),
      alarms: new PgAlarmStore(db),
      control: new PgControlStore(db),
      credentials: new PgCredentialStore(db),
      revocations: new PgRevocationStore(db),
      operators: new PgOperatorStore(db),
      integrity: new PgIntegrityStore(db),
      observeTransactions: (fn) => {
        db.onTransaction = fn
      },
      close: () => storage.close(),
    }
  }
  const storage = await SqliteStorage.open(store)
  const { db } = storage
  return {
    kind: 'sqlite',
    storage,
    work: new SqliteWorkStore(db, now),
    alarms: new SqliteAlarmStore(db),
    control: new SqliteControlStore(db),
    credentials: new SqliteCredentialStore(db),
    revocations: new SqliteRevocationStore(db),
    operators: new SqliteOperatorStore(db),
    integrity: new SqliteIntegrityStore(db),
    observeTransactions: (fn) => {
      db.onTransaction = fn
    },
    close: () => storage.close(),
  }
}
