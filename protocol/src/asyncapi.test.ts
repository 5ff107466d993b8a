import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildAsyncApiDocument } from './asyncapi.js'
import { channelNames } from './topics.js'

describe('AsyncAPI document', () => {
  const doc = buildAsyncApiDocument() as { channels: Record<string, { address: string }>; operations: object }

  it('documents every channel at its versioned address', () => {
    expect(Object.keys(doc.channels).sort()).toEqual([...channelNames].sort())
    expect(doc.channels.events?.address).toBe('ejia/v1/station/{stationId}/events')
    expect(Object.keys(doc.operations).sort()).toEqual([
      'receiveAck',
      'receiveCommand',
      'receiveConfig',
      'receiveRoster',
      'sendCommandResult',
      'sendConfigState',
      'sendEvents',
      'sendHeartbeat',
      'sendStatus',
    ])
  })

  it('matches the checked-in docs/asyncapi.json (run `npm run docs` after changing the protocol)', () => {
    const checkedIn = JSON.parse(readFileSync(new URL('../../docs/asyncapi.json', import.meta.url), 'utf8'))
    expect(checkedIn).toEqual(JSON.parse(JSON.stringify(doc)))
  })
})
