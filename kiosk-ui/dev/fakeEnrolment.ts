import type { EnrolAnswer, EnrolProblem } from '../src/api/types.js'

/**
 * The agent's enrolment-sheet check (edge/src/app/enrolmentCheck.ts) for the fake kiosk, which
 * has no TLS and so no CA: the station and hub the sheet's code names against the fake's.
 */
export const isEnrolmentText = (text: string): boolean => text.startsWith('ejia-enrol:')

export function fakeEnrolCheck(
  text: string,
  installed: { stationId: string; hub: string },
  device: string,
): { answer: EnrolAnswer; mismatch?: string } {
  const q = text.startsWith('ejia-enrol:v1?')
    ? new URLSearchParams(text.slice('ejia-enrol:v1?'.length))
    : undefined
  const station = q?.get('station')
  const hub = q?.get('hub')
  if (!station || !/^\d{12}$/.test(station) || !hub)
    return {
      answer: {
        ok: false,
        device,
        problems: [
          { code: 'malformed', message: 'this is not a readable ejia-enrol:v1 code (station id, hub)' },
        ],
      },
    }
  const problems: EnrolProblem[] = []
  if (station !== installed.stationId)
    problems.push({
      code: 'station',
      message: `this kiosk is installed as station ${installed.stationId}, the sheet is for ${station}`,
      installed: installed.stationId,
      sheet: station,
    })
  if (hub !== installed.hub)
    problems.push({
      code: 'hub',
      message: `this kiosk is installed to talk to ${installed.hub}, the sheet names ${hub}`,
      installed: installed.hub,
      sheet: hub,
    })
  if (problems.length > 0)
    return { answer: { ok: false, device, problems }, mismatch: problems.map((p) => p.message).join('; ') }
  // the caller journals the match and puts its event id here
  return { answer: { ok: true, stationId: station, device, eventId: '' } }
}
