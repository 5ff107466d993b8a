import type { DeviceInfo, Station } from '../src/api/types.js'

/**
 * What the fake agent needs beyond the wire fixtures of protocol/fixtures: the kiosk's own
 * config (station, readers) and the demo PINs. The roster holds only PIN hashes, as on a real
 * kiosk; checking scrypt in the dev server would work but cost 50 ms a try, so the fake
 * compares against the PINs the hashes were made from (test/ui/kioskDev.test.ts checks they agree).
 */
export interface FakeConfig {
  station: Station
  /** The hub's broker URL the kiosk is installed with, for the enrolment sheet's code. */
  hub: string
  /** Roster code (after the station id's dash) → PIN, as `ejia-sim seed-station` hands them out. */
  pins: Record<string, string>
  devices: Omit<DeviceInfo, 'fault'>[]
  /** Duty and lookup fall back to check-in after this (docs/KIOSK.md "Modes": 2 minutes). */
  modeTtlMs: number
  /** A face session nobody finishes fails with `timeout` after this. */
  faceTimeoutMs: number
  /** Camera frames per step of the scripted face session: at 4 frames a second, half a second a step. */
  framesPerStep: number
  /** The model version GET /api/face reports. */
  modelVersion: string
}

export const FAKE_CONFIG: FakeConfig = {
  // the sample station of protocol/fixtures, as in the demo district's station config
  station: { id: '339901001001', name: '肖家沟村', townName: '城关镇' },
  hub: 'mqtts://hub.qingshan.example:8883',
  pins: { c001: '2580', m001: '1357', v001: '2468' },
  devices: [
    { name: 'reader', kind: 'card', stats: { frames: 0, badChecksum: 0, noise: 0 } },
    { name: 'scanner', kind: 'qr', stats: { frames: 0, tooLong: 0 } },
    { name: 'finger', kind: 'fingerprint', stats: { frames: 0, timeouts: 0 } },
  ],
  modeTtlMs: 120_000,
  faceTimeoutMs: 20_000,
  framesPerStep: 2,
  modelVersion: 'scrfd_2.5g+w600k_r50',
}
