import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createCa, issueServerCert } from '@ejia/firmware-config'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpPhotoHub } from './httpPhotoHub.js'

/**
 * The hub serves HTTPS with a certificate of the district CA (issue 10), so a kiosk's photo
 * uploads must trust that CA, as its mqtts does, and nothing else.
 */
describe('HttpPhotoHub over the hub’s own HTTPS', () => {
  let ca: Awaited<ReturnType<typeof createCa>>
  let url: string
  let server: ReturnType<typeof createServer>
  beforeAll(async () => {
    ca = await createCa({ name: '测试区 CA' })
    const cert = await issueServerCert(ca, ['127.0.0.1'])
    server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      req.resume()
      req.on('end', () => res.writeHead(201).end())
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  const hub = (ca?: string) =>
    new HttpPhotoHub({
      baseUrl: url,
      stationId: '339901001001',
      username: '339901001001',
      password: 'a-station-secret',
      ...(ca ? { ca: Buffer.from(ca) } : {}),
    })
  const photo = Buffer.from('not really a jpeg')
  const id = 'a'.repeat(64)

  it('uploads when it trusts the district CA', async () => {
    expect(await hub(ca.certPem).upload(id, photo, new AbortController().signal)).toBe('stored')
  })

  it('refuses a hub its CA did not certify, or without the CA at all', async () => {
    const other = await createCa({ name: '别处 CA' })
    for (const h of [hub(other.certPem), hub()]) {
      await expect(h.upload(id, photo, new AbortController().signal)).rejects.toMatchObject({
        code: 'hubUnreachable',
      })
    }
  })
})
