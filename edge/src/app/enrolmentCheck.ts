import { type EnrolmentCode, parseEnrolmentText } from '@ejia/firmware-config'
import type { CredentialRead } from '../ports/attendanceDevice.js'
import type { FaultBoard } from './faults.js'
import type { RecordEvent } from './recordEvent.js'

/**
 * Any QR payload in this scheme is an enrolment sheet's code, whatever its version: it is
 * checked against the kiosk and never read as a sign-in credential.
 */
const ENROL_PREFIX = 'ejia-enrol:'

/** The fault board's device for a sheet that does not match this kiosk. */
export const ENROLMENT_FAULT = 'enrolment'

/** What the kiosk was installed as: its config's station and hub, and its CA certificate's hash. */
export interface InstalledAs {
  stationId: string
  hub: string
  /** SHA-256 of `hub.tls.caFile`, hex; absent on a kiosk without TLS. */
  caSha256?: string
}

/** One way the sheet and the kiosk disagree; `installed` and `sheet` let the UI word it. */
export interface EnrolProblem {
  code: 'malformed' | 'station' | 'hub' | 'ca'
  message: string
  installed?: string
  sheet?: string
}

export type EnrolAnswer =
  | { ok: true; stationId: string; device: string; eventId: string }
  | { ok: false; problems: EnrolProblem[]; device: string }

export const isEnrolmentText = (text: string): boolean => text.startsWith(ENROL_PREFIX)

/**
 * Compares a sheet's code with the kiosk's installed config (docs/OPERATIONS.md, "The
 * enrolment sheet"): the code or the problems, in plain words, so a technician who put the
 * wrong bundle on this kiosk sees it at once.
 */
export function compareEnrolment(
  text: string,
  installed: InstalledAs,
): { code: EnrolmentCode; problems: EnrolProblem[] } | { problems: EnrolProblem[] } {
  const code = parseEnrolmentText(text.trim())
  if (!code)
    return {
      problems: [
        {
          code: 'malformed',
          message: 'this is not a readable ejia-enrol:v1 code (station id, hub); print the sheet again',
        },
      ],
    }
  const problems: EnrolProblem[] = []
  if (code.stationId !== installed.stationId)
    problems.push({
      code: 'station',
      message: `this kiosk is installed as station ${installed.stationId}, the sheet is for ${code.stationId}`,
      installed: installed.stationId,
      sheet: code.stationId,
    })
  if (code.hub !== installed.hub)
    problems.push({
      code: 'hub',
      message: `this kiosk is installed to talk to ${installed.hub}, the sheet names ${code.hub}`,
      installed: installed.hub,
      sheet: code.hub,
    })
  const sheetCa = code.caSha256?.toLowerCase()
  if (installed.caSha256 && sheetCa !== installed.caSha256)
    problems.push({
      code: 'ca',
      message: sheetCa
        ? `this kiosk's CA certificate is ${installed.caSha256.slice(0, 16)}…, the sheet's is ${sheetCa.slice(0, 16)}…: another district's bundle`
        : `this kiosk has a CA certificate (${installed.caSha256.slice(0, 16)}…) but the sheet names none`,
      installed: installed.caSha256,
      ...(sheetCa ? { sheet: sheetCa } : {}),
    })
  return { code, problems }
}

/**
 * The enrolment sheet scanned at the kiosk: a match is journalled (`kiosk.enrolled`) and clears
 * the `enrolment` fault; a mismatch raises it with the problems, for the heartbeat and the UI.
 */
export class EnrolmentCheck {
  private readonly listeners: ((a: EnrolAnswer) => void)[] = []

  constructor(private readonly deps: { installed: InstalledAs; record: RecordEvent; faults: FaultBoard }) {}

  /** Whether a reader's read is a sheet's code rather than a credential. */
  claims(read: CredentialRead): boolean {
    return read.method === 'qr' && isEnrolmentText(read.credential)
  }

  onAnswer(listener: (a: EnrolAnswer) => void): void {
    this.listeners.push(listener)
  }

  async check(text: string, device: string): Promise<EnrolAnswer> {
    const compared = compareEnrolment(text, this.deps.installed)
    let answer: EnrolAnswer
    if ('code' in compared && compared.problems.length === 0) {
      const { hub, caSha256 } = compared.code
      const e = await this.deps.record('kiosk.enrolled', {
        hub,
        ...(caSha256 && this.deps.installed.caSha256 ? { caSha256: caSha256.toLowerCase() } : {}),
        device,
      })
      this.deps.faults.clear(ENROLMENT_FAULT)
      answer = { ok: true, stationId: compared.code.stationId, device, eventId: e.id }
    } else {
      // a smudged code says nothing about how the kiosk was installed: no fault for it
      if ('code' in compared)
        this.deps.faults.set(
          ENROLMENT_FAULT,
          'enrolmentMismatch',
          compared.problems.map((p) => p.message).join('; '),
        )
      answer = { ok: false, problems: compared.problems, device }
    }
    for (const l of this.listeners) l(answer)
    return answer
  }
}
