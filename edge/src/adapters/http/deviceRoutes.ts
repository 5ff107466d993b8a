import Type from 'typebox'
import { type CredentialSignIn, SignInError, type SignInOutcome } from '../../app/credentialSignIn.js'
import type { AttendanceDevice } from '../../ports/attendanceDevice.js'
import type { LocalApp } from './faceRoutes.js'

const RECENT = 20

/** Readers, the kiosk's mode, and what the last reads did, for the kiosk UI and the admin screen. */
export function deviceRoutes(
  app: LocalApp,
  deps: {
    devices: readonly AttendanceDevice[]
    signIn: CredentialSignIn
    /** Whether this kiosk holds a photo: a vouch's witness photo must have been taken here. */
    witnessKnown?: (photoId: string) => Promise<boolean>
  },
): void {
  const recent: (SignInOutcome & { at: string })[] = []
  deps.signIn.onOutcome((o) => {
    recent.unshift({ ...o, at: new Date().toISOString() })
    recent.length = Math.min(recent.length, RECENT)
  })
  const find = (name: string) => deps.devices.find((d) => d.name === name)

  app.get('/api/devices', async () => ({
    devices: deps.devices.map((d) => ({
      name: d.name,
      kind: d.kind,
      fault: d.fault() ?? null,
      stats: d.stats(),
    })),
  }))

  app.get('/api/mode', async () => deps.signIn.currentMode())
  app.put(
    '/api/mode',
    {
      schema: {
        body: Type.Union([
          Type.Object({
            kind: Type.Literal('checkin'),
            activityId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          }),
          Type.Object({ kind: Type.Literal('duty') }),
          Type.Object({ kind: Type.Literal('lookup') }),
        ]),
      },
    },
    async (req) => {
      deps.signIn.setMode(req.body)
      return deps.signIn.currentMode()
    },
  )

  app.get('/api/signins/recent', async () => ({ recent }))

  // the keypad: for whoever has no card and does not use their face
  app.post(
    '/api/signin/pin',
    {
      schema: {
        body: Type.Object(
          {
            personId: Type.String({ minLength: 1, maxLength: 64 }),
            pin: Type.String({ pattern: '^[0-9]{4,8}$' }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const outcome = await deps.signIn.pin(req.body.personId, req.body.pin)
      return outcome.kind === 'unknown' ? reply.code(401).send(outcome) : outcome
    },
  )

  app.post(
    '/api/signin/vouch',
    {
      schema: {
        body: Type.Object(
          {
            personId: Type.String({ minLength: 1, maxLength: 64 }),
            cadreId: Type.String({ minLength: 1, maxLength: 64 }),
            cadrePin: Type.String({ pattern: '^[0-9]{4,8}$' }),
            witnessPhotoId: Type.String({
              pattern: '^[0-9a-f]{64}$',
              description: 'From POST /api/photos?purpose=witness',
            }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      if (deps.witnessKnown && !(await deps.witnessKnown(req.body.witnessPhotoId))) {
        return reply.code(422).send({
          error: 'witnessPhotoUnknown',
          message: 'take the witness photo first (POST /api/photos?purpose=witness), then vouch with its id',
        })
      }
      try {
        const outcome = await deps.signIn.vouch(req.body)
        return outcome.kind === 'unknown' ? reply.code(401).send(outcome) : outcome
      } catch (err) {
        if (!(err instanceof SignInError)) throw err
        return reply.code(err.code === 'notCadre' ? 403 : 404).send({ error: err.code, message: err.message })
      }
    },
  )

  app.post(
    '/api/devices/:name/trigger',
    { schema: { params: Type.Object({ name: Type.String() }) } },
    async (req, reply) => {
      const d = find(req.params.name) as (AttendanceDevice & { send?: (b: Buffer) => boolean }) | undefined
      if (d?.kind !== 'qr' || !d.send)
        return reply.code(404).send({ error: 'noScanner', message: `no QR scanner ${req.params.name}` })
      const { GM65_TRIGGER } = await import('../serial/gm65.js')
      return d.send(GM65_TRIGGER)
        ? reply.code(202).send({ triggered: true })
        : reply.code(503).send({ error: 'disconnected', message: `${d.name} is not connected` })
    },
  )

  app.post(
    '/api/devices/:name/fingerprints',
    {
      schema: {
        params: Type.Object({ name: Type.String() }),
        body: Type.Object({ pageId: Type.Integer({ minimum: 0, maximum: 65535 }) }),
      },
    },
    async (req, reply) => {
      const d = find(req.params.name) as
        | (AttendanceDevice & { enrol?: (p: number, s: (x: string) => void) => Promise<void> })
        | undefined
      if (d?.kind !== 'fingerprint' || !d.enrol) {
        return reply
          .code(404)
          .send({ error: 'noFingerprintModule', message: `no fingerprint module ${req.params.name}` })
      }
      const steps: string[] = []
      try {
        await d.enrol(req.body.pageId, (s) => steps.push(s))
        return reply.code(201).send({ pageId: req.body.pageId, steps })
      } catch (err) {
        return reply.code(422).send({
          error: (err as { code?: string }).code ?? 'enrolFailed',
          message: (err as Error).message,
          steps,
        })
      }
    },
  )
}
