import { X509Certificate } from 'node:crypto'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CA_CERT_FILE, CA_KEY_FILE, importCa, initCa } from '../pki/caFiles.js'

/** `ejia-config ca init|import`: prints what was made as one JSON line. */
export async function runCa(argv: string[], usage: () => never): Promise<void> {
  const [sub, ...rest] = argv
  const { values } = parseArgs({
    args: rest,
    options: {
      out: { type: 'string' },
      name: { type: 'string', default: 'ejia district CA' },
      cert: { type: 'string' },
      key: { type: 'string' },
    },
  })
  if (!values.out) usage()
  let certPem: string
  if (sub === 'init') {
    certPem = (await initCa(values.out, values.name)).certPem
  } else if (sub === 'import' && values.cert && values.key) {
    certPem = importCa(values.out, values.cert, values.key).certPem
  } else {
    usage()
  }
  const cert = new X509Certificate(certPem)
  console.log(
    JSON.stringify({
      cert: join(values.out, CA_CERT_FILE),
      key: join(values.out, CA_KEY_FILE),
      subject: cert.subject,
      validTo: new Date(cert.validTo).toISOString(),
      fingerprint256: cert.fingerprint256,
    }),
  )
}
