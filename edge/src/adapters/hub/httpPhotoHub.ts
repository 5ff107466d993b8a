import { Agent, fetch } from 'undici'
import { type PhotoHub, PhotoUploadError } from '../../ports/photos.js'

export interface HttpPhotoHubOptions {
  /** The hub's HTTP API, config `hub.httpUrl`. */
  baseUrl: string
  stationId: string
  /** The station's MQTT credentials; the hub checks them the same way. */
  username: string
  password: string
  /** Default 2 minutes: a 2 MB photo over a 256 kbit/s village uplink takes about one. */
  timeoutMs?: number
  /**
   * The district CA (PEM), config `hub.tls.caFile`: the hub's own HTTPS is trusted by it
   * alone, as its mqtts is. Without it, the system's store (a proxy with a public certificate).
   */
  ca?: Buffer
}

/**
 * `PUT {hub}/api/stations/{stationId}/photos/{photoId}` with the JPEG as the body and HTTP
 * Basic auth. The hub checks that the body hashes to the id, so a photo cut short in
 * transit is refused, never stored.
 */
export class HttpPhotoHub implements PhotoHub {
  private readonly base: string
  private readonly auth: string
  private readonly dispatcher: Agent | undefined

  constructor(private readonly opts: HttpPhotoHubOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '')
    this.auth = `Basic ${Buffer.from(`${opts.username}:${opts.password}`, 'utf8').toString('base64')}`
    this.dispatcher = opts.ca ? new Agent({ connect: { ca: opts.ca } }) : undefined
  }

  async upload(id: string, jpeg: Buffer, signal: AbortSignal): Promise<'stored' | 'alreadyStored'> {
    const url = `${this.base}/api/stations/${encodeURIComponent(this.opts.stationId)}/photos/${id}`
    let res: Awaited<ReturnType<typeof fetch>>
    try {
      res = await fetch(url, {
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
        method: 'PUT',
        headers: { 'content-type': 'image/jpeg', authorization: this.auth },
        body: new Uint8Array(jpeg),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.opts.timeoutMs ?? 120_000)]),
      })
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name
      throw new PhotoUploadError(
        'hubUnreachable',
        `cannot reach the hub at ${this.base} (${cause})`,
        undefined,
        err,
      )
    }
    // the answer's body only explains a refusal; read a little of it for the message
    const text = (await res.text().catch(() => '')).slice(0, 300)
    const said = `the hub answered ${res.status}${text ? `: ${text}` : ''}`
    if (res.status === 201) return 'stored'
    if (res.status === 200) return 'alreadyStored'
    if (res.status === 401 || res.status === 403)
      throw new PhotoUploadError(
        'hubAuthRefused',
        `${said}; check hub.username and hub.password for station ${this.opts.stationId}`,
        res.status,
      )
    if (res.status === 400 || res.status === 413 || res.status === 415)
      throw new PhotoUploadError('photoRefused', `photo ${id}: ${said}`, res.status)
    if (res.status >= 500 || res.status === 408 || res.status === 429)
      throw new PhotoUploadError('hubFailed', said, res.status)
    throw new PhotoUploadError('hubUnexpected', `${said} (PUT ${url})`, res.status)
  }
}
