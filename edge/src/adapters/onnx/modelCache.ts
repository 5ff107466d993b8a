import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The set of models `npm run models` installs and the default config uses. */
export const DEFAULT_MODEL_SET = 'faceplugin-0.0.1'

/**
 * Where scripts/fetch-models.mjs put the models: $EJIA_MODEL_CACHE, or .cache/ejia-models
 * at the repository root (this file is four levels below it in src/ and in dist/).
 */
export function modelCacheDir(): string {
  return (
    process.env.EJIA_MODEL_CACHE ?? fileURLToPath(new URL('../../../../.cache/ejia-models/', import.meta.url))
  )
}

export function defaultModelDir(): string {
  return join(modelCacheDir(), DEFAULT_MODEL_SET)
}
