import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The set of models `npm run models` installs and the default config uses. */
export const DEFAULT_MODEL_SET = 'faceplugin-0.0.1'

/**
 * Where the models are: $EJIA_MODEL_CACHE; else `face-models/` of the agent's own package, as a
 * release tree carries them (scripts/release-tree.mjs); else where scripts/fetch-models.mjs
 * put them in a checkout, .cache/ejia-models at the repository root (this file is three
 * levels below the package and four below the repository, in src/ and in dist/).
 */
export function modelCacheDir(): string {
  if (process.env.EJIA_MODEL_CACHE) return process.env.EJIA_MODEL_CACHE
  const bundled = fileURLToPath(new URL('../../../face-models/', import.meta.url))
  if (existsSync(bundled)) return bundled
  return fileURLToPath(new URL('../../../../.cache/ejia-models/', import.meta.url))
}

export function defaultModelDir(): string {
  return join(modelCacheDir(), DEFAULT_MODEL_SET)
}
