import { enrolmentText } from '@ejia/firmware-config'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../adapters/fake/manualClock.js'
import { MemoryJournal } from '../adapters/fake/memoryJournal.js'
import { compareEnrolment, ENROLMENT_FAULT, EnrolmentCheck } from './enrolmentCheck.js'
import { FaultBoard } from './faults.js'
import { createRecordEvent } from './recordEvent.js'

const CA = 'ab'.repeat(32)
const OTHER_CA = 'cd'.repeat(32)
const installed = { stationId: '339901001001', hub: 'mqtts://hub.qingshan.example:8883', caSha256: CA }
const sheet = (over: Partial<{ stationId: string; hub: string; caSha256: string }> = {}) =>
  enrolmentText({ stationId: installed.stationId, hub: installed.hub, caSha256: CA, ...over })

function setup() {
  const clock = new ManualClock()
  const journal = new MemoryJournal(installed.stationId)
  const faults = new FaultBoard(clock)
  const record = createRecordEvent({ journal, clock, faults, onRecorded: () => undefined })
  const check = new EnrolmentCheck({ installed, record, faults })
  const answers: unknown[] = []
  check.onAnswer((a) => answers.push(a))
  return { journal, faults, check, answers }
}

describe('the enrolment sheet checked at the kiosk', () => {
  it("matches the sheet printed for this kiosk's bundle, CA fingerprint in any case", () => {
    expect(compareEnrolment(sheet(), installed).problems).toEqual([])
    expect(compareEnrolment(sheet({ caSha256: CA.toUpperCase() }), installed).problems).toEqual([])
    // a kiosk without TLS has no CA to compare
    expect(
      compareEnrolment(sheet({ caSha256: OTHER_CA }), { ...installed, caSha256: undefined }).problems,
    ).toEqual([])
  })

  it('names the station the kiosk is installed as and the one the sheet is for', () => {
    const { problems } = compareEnrolment(sheet({ stationId: '339901001002' }), installed)
    expect(problems).toEqual([
      {
        code: 'station',
        message: 'this kiosk is installed as station 339901001001, the sheet is for 339901001002',
        installed: '339901001001',
        sheet: '339901001002',
      },
    ])
  })

  it("refuses another district's CA, and a sheet with none on a kiosk with TLS", () => {
    expect(compareEnrolment(sheet({ caSha256: OTHER_CA }), installed).problems.map((p) => p.code)).toEqual([
      'ca',
    ])
    const noCa = enrolmentText({ stationId: installed.stationId, hub: installed.hub })
    expect(compareEnrolment(noCa, installed).problems.map((p) => [p.code, p.sheet])).toEqual([
      ['ca', undefined],
    ])
    expect(
      compareEnrolment(sheet({ hub: 'mqtts://10.20.0.5:8883', caSha256: OTHER_CA }), installed).problems.map(
        (p) => p.code,
      ),
    ).toEqual(['hub', 'ca'])
  })

  it('calls a code it cannot read malformed', () => {
    for (const text of [
      'ejia-enrol:v1?station=12&hub=x',
      'ejia-enrol:v1?station=339901001001',
      'ejia-enrol:v2?x=1',
    ])
      expect(compareEnrolment(text, installed).problems.map((p) => p.code)).toEqual(['malformed'])
  })

  it('claims only QR reads in the enrolment scheme', () => {
    const { check } = setup()
    expect(check.claims({ method: 'qr', credential: sheet(), at: 0 })).toBe(true)
    expect(check.claims({ method: 'qr', credential: 'ejia-enrol:v9?', at: 0 })).toBe(true)
    expect(check.claims({ method: 'qr', credential: 'EJ1234567890', at: 0 })).toBe(false)
    expect(check.claims({ method: 'card', credential: 'ejia-enrol:v1?', at: 0 })).toBe(false)
  })

  it('journals a match and clears the fault; a mismatch raises it in plain words and records nothing', async () => {
    const { journal, faults, check, answers } = setup()
    const wrong = await check.check(sheet({ stationId: '339901001002' }), 'qr')
    expect(wrong).toMatchObject({ ok: false, problems: [{ code: 'station' }] })
    expect(faults.list()).toEqual([
      expect.objectContaining({
        device: ENROLMENT_FAULT,
        code: 'enrolmentMismatch',
        message: 'this kiosk is installed as station 339901001001, the sheet is for 339901001002',
      }),
    ])
    expect(await journal.pending({ afterSeq: 0, limit: 10 })).toEqual([])

    const right = await check.check(sheet(), 'qr')
    expect(right).toMatchObject({ ok: true, stationId: installed.stationId, device: 'qr' })
    expect(faults.list()).toEqual([])
    const events = await journal.pending({ afterSeq: 0, limit: 10 })
    expect(events.map((e) => [e.type, e.body])).toEqual([
      ['kiosk.enrolled', { hub: installed.hub, caSha256: CA, device: 'qr' }],
    ])
    expect(answers).toEqual([wrong, right])

    await check.check('ejia-enrol:v1?garbled', 'qr')
    expect(faults.list()).toEqual([])
  })
})
