import { parseArgs } from 'node:util'
import { FaceConfig } from '@ejia/firmware-config'
import { Value } from 'typebox/value'
import { decodeImage } from './adapters/image/decodeImage.js'
import { OnnxFaceEngine } from './adapters/onnx/onnxFaceEngine.js'
import { evaluateIdentification } from './app/face/evaluate.js'
import { isSecurityLevel } from './domain/face/decision.js'
import { DEFAULT_QUALITY } from './domain/face/quality.js'

const USAGE = `usage:
  ejia-face eval DIR [--enrol 2] [--level 3] [--models DIR]
      Identification on DIR/<person>/*.{png,jpg}: enrols each person from their first
      photos, identifies the rest, and counts strangers accepted when each person is left
      out. Prints one JSON object.
  ejia-face forget PERSON --by CADRE [--reason personRequest] [--api http://127.0.0.1:8731]
      Deletes a person's face data from the kiosk (through its running agent), journalled.
      Prints the deletion receipt as JSON (stdout) and in words (stderr); reasons:
      personRequest, consentWithdrawn, leftVillage, reenrol, other.`

function fail(message: string): never {
  console.error(message)
  process.exit(2)
}

async function runEval(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      enrol: { type: 'string', default: '2' },
      level: { type: 'string', default: '3' },
      models: { type: 'string' },
    },
  })
  const dir = positionals[0]
  const enrol = Number(values.enrol)
  const level = Number(values.level)
  if (!dir || !Number.isInteger(enrol) || enrol < 1) fail(USAGE)
  if (!isSecurityLevel(level)) fail(`--level must be 1 to 5, not ${values.level}`)
  const config = Value.Default(FaceConfig, {}) as FaceConfig
  if (values.models) config.modelDir = values.models
  const engine = await OnnxFaceEngine.load(config, DEFAULT_QUALITY)
  try {
    console.log(
      JSON.stringify(await evaluateIdentification(dir, engine, (f) => decodeImage(f), { enrol, level })),
    )
  } finally {
    await engine.close()
  }
}

async function runForget(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      by: { type: 'string' },
      reason: { type: 'string', default: 'personRequest' },
      api: { type: 'string', default: 'http://127.0.0.1:8731' },
    },
  })
  const person = positionals[0]
  if (!person || !values.by) fail(USAGE)
  const res = await fetch(`${values.api}/api/face/persons/${encodeURIComponent(person)}`, {
    method: 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ requestedBy: values.by, reason: values.reason }),
  }).catch((err: unknown) => fail(`cannot reach the kiosk agent at ${values.api}: ${(err as Error).message}`))
  const body = await res.text()
  const receipt = parseReceipt(body)
  // a deletion whose checks failed (500 deletionUnverified) still prints what it destroyed
  if (!receipt) fail(`not deleted (${res.status}): ${body}`)
  console.log(JSON.stringify(receipt, null, 2))
  console.error(receiptInWords(receipt))
  if (!res.ok) fail(`deleted, but not verified (${res.status}): ${receipt.message ?? ''}`)
}

interface Receipt {
  personId: string
  deletedAt: string
  requestedBy: string
  reason: string
  template: { sealedSha256: string; enrolledAt: string }
  verified: { noRowLeft: boolean; noBytesLeft: boolean; notInGallery: boolean }
  event: { id: string; seq: number }
  message?: string
}

function parseReceipt(body: string): Receipt | undefined {
  try {
    const r = JSON.parse(body) as Partial<Receipt>
    return r.verified && r.event && r.template ? (r as Receipt) : undefined
  } catch {
    return undefined
  }
}

function receiptInWords(r: Receipt): string {
  const check = (ok: boolean, what: string) => `  ${ok ? 'ok  ' : 'FAIL'} ${what}`
  return [
    `deleted the face template of ${r.personId} at ${r.deletedAt} (asked by ${r.requestedBy}: ${r.reason})`,
    `  enrolled ${r.template.enrolledAt}; SHA-256 of the sealed template destroyed: ${r.template.sealedSha256}`,
    check(r.verified.noRowLeft, 'no row of it left in faces.db (after a WAL checkpoint)'),
    check(r.verified.noBytesLeft, 'its bytes are in neither faces.db nor faces.db-wal'),
    check(r.verified.notInGallery, 'gone from the gallery: no face check-in can match it'),
    `  journalled as face.deleted ${r.event.id} (seq ${r.event.seq}), sent to the hub's ledger`,
  ].join('\n')
}

const [command, ...rest] = process.argv.slice(2)
try {
  if (command === 'eval') await runEval(rest)
  else if (command === 'forget') await runForget(rest)
  else fail(USAGE)
} catch (err) {
  // model, image and folder problems come with a code and a plain message
  const code = (err as { code?: string }).code
  fail(code ? `${code}: ${(err as Error).message}` : String((err as Error).stack ?? err))
}
