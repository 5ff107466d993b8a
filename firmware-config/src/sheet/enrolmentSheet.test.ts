import { describe, expect, it } from 'vitest'
import { createCa } from '../pki/certs.js'
import type { Registry } from '../schema/registry.js'
import { caSha256, enrolmentSheet, enrolmentText, parseEnrolmentText } from './enrolmentSheet.js'

const registry = {
  schemaVersion: 1,
  generatedAt: '2026-03-01T00:00:00.000Z',
  district: { code: '339901', name: '青山区' },
  towns: [{ code: '339901001', name: '城关镇' }],
  stations: [
    {
      id: '339901001001',
      name: '肖家沟村',
      tier: 'village',
      townCode: '339901001',
      contact: { name: '张勇<b>', phone: '13990351936' },
      auth: { username: '339901001001', secretSha256: 'a'.repeat(64) },
    },
    {
      id: '339901001002',
      name: '张家坝社区',
      tier: 'village',
      townCode: '339901001',
      auth: { username: '339901001002', secretSha256: 'b'.repeat(64) },
      revoked: true,
    },
  ],
} as Registry

describe('enrolment sheet', () => {
  it('encodes the station, the hub and the CA fingerprint, and reads it back', () => {
    const text = enrolmentText({
      stationId: '339901001001',
      hub: 'mqtts://hub.example:8883',
      caSha256: 'ab12',
    })
    expect(text).toBe('ejia-enrol:v1?station=339901001001&hub=mqtts%3A%2F%2Fhub.example%3A8883&ca=ab12')
    expect(parseEnrolmentText(text)).toEqual({
      stationId: '339901001001',
      hub: 'mqtts://hub.example:8883',
      caSha256: 'ab12',
    })
    expect(parseEnrolmentText('https://example.com/?station=339901001001')).toBeUndefined()
    expect(parseEnrolmentText('ejia-enrol:v1?station=12&hub=x')).toBeUndefined()
  })

  it('prints one block per station with town, village, id, contact and a QR code, and no secret', async () => {
    const ca = await createCa({ name: 'Test CA' })
    const html = await enrolmentSheet(registry, () => 'mqtts://hub.example:8883', ca.certPem)
    expect(html).toContain('size: A4')
    expect(html.match(/<section class="station/g)).toHaveLength(2)
    for (const s of ['城关镇', '肖家沟村', '339901001001', '13990351936', '张家坝社区', '已吊销']) {
      expect(html).toContain(s)
    }
    expect(html).toContain('张勇&lt;b&gt;') // escaped
    expect(html.match(/<svg/g)).toHaveLength(2)
    expect(html).not.toContain('a'.repeat(64))
    expect(caSha256(ca.certPem)).toMatch(/^[0-9a-f]{64}$/)
  })
})
