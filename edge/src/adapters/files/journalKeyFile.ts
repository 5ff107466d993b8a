import { mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { CodedError } from '@ejia/platform'
import { type JournalKey, journalKeyFromPem, newJournalKey } from '@ejia/protocol/chain'
import { syncDir, writeFileAtomic } from './atomicFile.js'

export class JournalKeyError extends CodedError<'badJournalKey'> {}

/**
 * The station's journal key: made on the kiosk the first time the agent starts and never
 * sent anywhere; only its public half goes to the hub, which pins it. Readable by the
 * agent's user only. A file that is there but unreadable as an Ed25519 key stops the start:
 * a new key would look to the hub like someone else writing this station's journal.
 */
export async function loadJournalKey(path: string): Promise<JournalKey> {
  let pem: string
  try {
    pem = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    const key = newJournalKey()
    await mkdir(dirname(path), { recursive: true })
    await writeFileAtomic(path, Buffer.from(key.privateKey.export({ type: 'pkcs8', format: 'pem' })), 0o600)
    await syncDir(dirname(path))
    return key
  }
  try {
    return journalKeyFromPem(pem)
  } catch (err) {
    throw new JournalKeyError(
      'badJournalKey',
      `${path} is not an Ed25519 private key (${(err as Error).message}); restore it from a backup, or move it away to make a new one and re-pin the station at the hub`,
    )
  }
}
