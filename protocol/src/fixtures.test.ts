import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { codecs } from './codec.js'
import { type Channel, channels } from './topics.js'

/** protocol/fixtures: one JSON file per channel, named after it (see its README). */
const dir = new URL('../fixtures/', import.meta.url)
const files = readdirSync(dir).filter((f) => f.endsWith('.json'))
const read = (f: string) => readFileSync(new URL(f, dir), 'utf8')

describe('wire fixtures', () => {
  it('are named after channels, and there is one for the roster and the heartbeat', () => {
    const names = files.map((f) => f.replace(/\.json$/, ''))
    expect(names.filter((n) => !(n in channels))).toEqual([])
    expect(names).toEqual(expect.arrayContaining(['roster', 'heartbeat']))
  })

  it.each(files)('%s decodes with its channel codec, without a single error', (f) => {
    const channel = f.replace(/\.json$/, '') as Channel
    const r = codecs[channel].decode(read(f))
    expect(r.ok ? [] : r.errors).toEqual([])
  })

  it('holds one consistent station: study, rota and plans name people and a station on the roster', () => {
    const r = codecs.roster.decode(read('roster.json'))
    if (!r.ok) throw new Error('roster.json does not decode')
    const u = r.value
    const ids = new Set(u.upserts.map((p) => p.personId))
    const stationId = u.upserts[0]?.personId.split('-')[0]
    expect(u.full && u.parts === 1).toBe(true)
    expect(u.study.map((s) => s.personId).filter((id) => !ids.has(id))).toEqual([])
    const onRota = (u.rotas ?? []).flatMap((r) => r.patterns.flatMap((p) => p.personIds))
    expect(onRota.filter((id) => !ids.has(id))).toEqual([])
    expect((u.rotas ?? []).map((r) => r.stationId)).toEqual([stationId])
    // the kiosk's demo: every day of the week has a shift, and the theme day is on `studyAsOf`
    const weekdays = new Set((u.rotas ?? []).flatMap((r) => r.patterns.map((p) => p.weekday)))
    expect([...weekdays].sort()).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(u.plans?.some((p) => p.date === u.studyAsOf && p.kind === 'themeDay')).toBe(true)
    // cards are unique at a station (the hub refuses a card that belongs to two people)
    const cards = u.upserts.flatMap((p) => p.cards)
    expect(new Set(cards).size).toBe(cards.length)
  })
})
