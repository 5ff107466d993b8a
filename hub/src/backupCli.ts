import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { BackupError } from './backup/backupFiles.js'
import { backupHub, listBackups, pruneBackups, verifyBackup } from './backup/hubBackup.js'
import { restoreHub } from './backup/hubRestore.js'
import { parseCount } from './backup/interval.js'
import { LEDGER_FILE, PHOTOS_DIR } from './main.js'
import { HUB_VERSION } from './version.js'

const USAGE = `usage: ejia-backup COMMAND ...
  now --data DIR --to BACKUPDIR [--keep N]   an online backup of DIR/hub.db (hub running
                                             or not) and a copy of the photos it lacks
  list --to BACKUPDIR                        the backups there, oldest first
  verify --from FILE                         checksum, SQLite integrity, schema, row counts
  restore --data DIR --from FILE             put a backup in place of DIR/hub.db; the hub
                                             must be stopped; the old file is kept aside
  FILE is a backup's hub-<time>.json manifest or its hub-<time>.db. Prints JSON.
  Exit status: 0 done, 1 refused or failed (the reason on stderr), 2 usage.`

function fail(message: string, code = 2): never {
  console.error(message)
  process.exit(code)
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string' },
    to: { type: 'string' },
    from: { type: 'string' },
    keep: { type: 'string' },
  },
})
const need = (name: 'data' | 'to' | 'from'): string =>
  values[name] ?? fail(`${positionals[0]} needs --${name}\n${USAGE}`)
const print = (v: unknown) => console.log(JSON.stringify(v, null, 2))

try {
  switch (positionals[0]) {
    case 'now': {
      const dataDir = need('data')
      const backupDir = need('to')
      const manifest = await backupHub({
        ledger: join(dataDir, LEDGER_FILE),
        photosDir: join(dataDir, PHOTOS_DIR),
        backupDir,
        hubVersion: HUB_VERSION,
        now: Date.now,
      })
      const pruned = values.keep ? await pruneBackups(backupDir, parseCount('keep', values.keep)) : 0
      print({ ...manifest, pruned })
      break
    }
    case 'list':
      print(
        (await listBackups(need('to'))).map(({ manifestFile, manifest: m }) => ({
          manifest: manifestFile,
          createdAt: m.createdAt,
          hubVersion: m.hubVersion,
          schemaVersion: m.schemaVersion,
          bytes: m.bytes,
          rows: m.rows,
        })),
      )
      break
    case 'verify': {
      const { manifest, file } = await verifyBackup(need('from'))
      print({
        ok: true,
        file,
        createdAt: manifest.createdAt,
        schemaVersion: manifest.schemaVersion,
        rows: manifest.rows,
      })
      break
    }
    case 'restore': {
      const r = await restoreHub({
        dataDir: need('data'),
        from: need('from'),
        ledgerName: LEDGER_FILE,
        photosName: PHOTOS_DIR,
        now: Date.now,
      })
      print({
        ok: true,
        restored: r.manifest.createdAt,
        rows: r.manifest.rows,
        replacedDir: r.replacedDir,
        photos: r.photos,
      })
      break
    }
    default:
      fail(USAGE)
  }
} catch (err) {
  if (err instanceof BackupError || err instanceof RangeError) fail(`ejia-backup: ${err.message}`, 1)
  throw err
}
