import { execFile } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import {
  generateReleaseKey,
  MANIFEST_FORMAT,
  manifestNameOf,
  publicKeyOfPrivate,
  RELEASE_PRODUCT,
  ReleaseError,
  sha256File,
  signManifest,
  tarballName,
  VERSION_PATTERN,
  verifyManifest,
} from './app/upgrade/release.js'

const USAGE = `usage:
  ejia-release keygen --out DIR            writes release-key.pem (private, 0600) and release-key.pub
  ejia-release pack --from DIR --key FILE --out DIR
                                           tars the built agent tree DIR (package.json, bin/, dist/,
                                           node_modules/) as ejia-edge-<version>.tar.gz and signs its manifest
  ejia-release verify --tarball FILE --public-key KEY|FILE`

const run = promisify(execFile)
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    from: { type: 'string' },
    key: { type: 'string' },
    tarball: { type: 'string' },
    'public-key': { type: 'string' },
  },
})

const fail = (message: string, code = 2): never => {
  console.error(message)
  process.exit(code)
}

try {
  switch (positionals[0]) {
    case 'keygen': {
      const out = resolve(values.out ?? fail(USAGE))
      const pem = join(out, 'release-key.pem')
      if (existsSync(pem)) fail(`${pem} exists: a district keeps one release key`)
      const key = generateReleaseKey()
      writeFileSync(pem, key.privatePem, { mode: 0o600 })
      writeFileSync(join(out, 'release-key.pub'), `${key.publicKey}\n`)
      console.log(JSON.stringify({ privateKey: pem, publicKey: key.publicKey }))
      break
    }
    case 'pack': {
      const from = resolve(values.from ?? fail(USAGE))
      const out = resolve(values.out ?? fail(USAGE))
      const pem = readFileSync(values.key ?? fail(USAGE), 'utf8')
      const { version } = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as { version: string }
      if (!VERSION_PATTERN.test(version)) fail(`bad version ${version} in ${from}/package.json`)
      if (!existsSync(join(from, 'bin', 'ejia-edge.js'))) fail(`${from} holds no bin/ejia-edge.js`)
      const tarball = join(out, tarballName(version))
      // symlinks stay links: a release tree holds its node_modules (npm ci --omit=dev)
      await run('tar', ['-czf', tarball, '-C', from, '--owner=0', '--group=0', '--sort=name', '.'])
      const { sha256, size } = await sha256File(tarball)
      const manifest = signManifest(
        {
          format: MANIFEST_FORMAT,
          product: RELEASE_PRODUCT,
          version,
          sha256,
          size,
          createdAt: new Date().toISOString(),
        },
        pem,
      )
      writeFileSync(manifestNameOf(tarball), `${JSON.stringify(manifest, null, 2)}\n`)
      console.log(
        JSON.stringify({
          version,
          tarball,
          manifest: manifestNameOf(tarball),
          sha256,
          publicKey: publicKeyOfPrivate(pem),
        }),
      )
      break
    }
    case 'verify': {
      const tarball = resolve(values.tarball ?? fail(USAGE))
      const keyArg = values['public-key'] ?? fail(USAGE)
      const key = existsSync(keyArg) ? readFileSync(keyArg, 'utf8').trim() : keyArg
      const manifest = verifyManifest(readFileSync(manifestNameOf(tarball), 'utf8'), key)
      const got = await sha256File(tarball)
      if (got.sha256 !== manifest.sha256) {
        throw new ReleaseError(
          'badChecksum',
          `SHA-256 ${got.sha256}, the signed manifest says ${manifest.sha256}`,
        )
      }
      console.log(JSON.stringify({ ok: true, version: manifest.version, sha256: manifest.sha256 }))
      break
    }
    default:
      fail(USAGE)
  }
} catch (err) {
  fail(err instanceof ReleaseError ? `${err.code}: ${err.message}` : String(err), 1)
}
