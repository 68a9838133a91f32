import { LOG_LEVELS } from '../support/logger';
import type { LogLevel } from '../support/logger';
import { integer, oneOf } from './env';
import type { Env } from './env';

/** Settings shared by both entrypoints. */
export interface RuntimeTuning {
  logLevel: LogLevel;
  keyCacheSeconds: number;
  clientCacheSeconds: number;
  jwksMaxAgeSeconds: number;
  publicationDelaySeconds: number;
}

export function parseTuning(env: Env): RuntimeTuning {
  const keyCacheSeconds = integer(env, 'KEY_CACHE_SECONDS', 10, 1, 300);
  const jwksMaxAgeSeconds = integer(env, 'JWKS_MAX_AGE_SECONDS', 60, 0, 86_400);
  return {
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    keyCacheSeconds,
    clientCacheSeconds: integer(env, 'CLIENT_CACHE_SECONDS', 30, 1, 300),
    jwksMaxAgeSeconds,
    // Below max-age + cache, a verifier could meet a kid it has not fetched yet.
    publicationDelaySeconds: integer(env, 'KEY_PUBLICATION_DELAY_SECONDS', jwksMaxAgeSeconds + keyCacheSeconds, 0, 7 * 86_400),
  };
}

/** The cache and key-publication timings both entrypoints hand to buildIdentityRuntime. */
export function cacheTimings(tuning: RuntimeTuning): Omit<RuntimeTuning, 'logLevel'> {
  const { keyCacheSeconds, clientCacheSeconds, jwksMaxAgeSeconds, publicationDelaySeconds } = tuning;
  return { keyCacheSeconds, clientCacheSeconds, jwksMaxAgeSeconds, publicationDelaySeconds };
}
