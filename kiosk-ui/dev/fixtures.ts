import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { codecs, type Decoded, type Heartbeat, type RosterUpdate } from '@ejia/protocol'

const require = createRequire(import.meta.url)

/** The wire fixtures the fake agent starts from, decoded with the protocol's own codecs. */
export interface WireFixtures {
  roster: RosterUpdate
  heartbeat: Heartbeat
}

function fixture<T>(channel: 'roster' | 'heartbeat', decode: (text: string) => Decoded<T>): T {
  const file = require.resolve(`@ejia/protocol/fixtures/${channel}.json`)
  const r = decode(readFileSync(file, 'utf8'))
  if (!r.ok) throw new Error(`${file}: ${r.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`)
  return r.value
}

/** Read afresh each time: the fake starts over from them on /__fake/reset. */
export function loadFixtures(): WireFixtures {
  return {
    roster: fixture('roster', (t) => codecs.roster.decode(t)),
    heartbeat: fixture('heartbeat', (t) => codecs.heartbeat.decode(t)),
  }
}
