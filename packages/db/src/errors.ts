export class DbError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The server cannot be reached, answers too slowly, or the pool's queue is full. */
export class DbUnavailableError extends DbError {}

export class UnknownSymbolError extends DbError {
  readonly symbol: string;
  constructor(symbol: string) {
    super(`unknown symbol: ${symbol}`);
    this.symbol = symbol;
  }
}

/** A query's arguments are outside their documented bounds. */
export class InvalidQueryError extends DbError {}

/**
 * A higher-interval candle was written directly for a UTC day that has 1m candles: there every
 * higher interval is derived from 1m, so the write would contradict (or be overwritten by) the roll-up.
 */
export class RollupConflictError extends InvalidQueryError {
  readonly symbol: string;
  /** Open times (ms) of the refused candles, at most a few. */
  readonly openTimes: number[];
  constructor(symbol: string, message: string, openTimes: number[]) {
    super(message);
    this.symbol = symbol;
    this.openTimes = openTimes;
  }
}

export class ImportError extends DbError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.file = file;
    this.line = line;
  }
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
]);

/** Maps driver errors onto the named classes the API layer translates. */
export function toDbError(err: unknown): Error {
  if (err instanceof DbError) return err;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) {
      return new DbUnavailableError(`database unavailable (${code}): ${err.message}`, { cause: err });
    }
    if (err.message === 'Queue limit reached.' || err.message === 'Pool is closed.') {
      return new DbUnavailableError(`database unavailable: ${err.message}`, { cause: err });
    }
    if (err instanceof AggregateError && err.errors.some((e) => toDbError(e) instanceof DbUnavailableError)) {
      return new DbUnavailableError(`database unavailable: ${err.message}`, { cause: err });
    }
    return err;
  }
  return new DbError(String(err));
}
