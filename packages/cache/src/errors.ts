/** Base class of every error this package throws on purpose. */
export class CacheError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A Valkey call did not answer within the hard per-call budget. */
export class CacheTimeoutError extends CacheError {}

/** The client is not connected (start-up without Valkey, or reconnecting). */
export class CacheUnavailableError extends CacheError {}

/** Invalid options or key parts (zod validation failed). */
export class CacheConfigError extends CacheError {}

/** The caller's AbortSignal fired before its value was ready. */
export class CacheAbortError extends CacheError {}

/** A stored value did not have the expected layout. */
export class CacheCodecError extends CacheError {}
