/** Base of every error the engine throws on purpose; `code` is stable and safe to show a client. */
export class EngineError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The task ran past its time budget (queue wait included); a running worker is terminated and replaced. */
export class EngineTimeoutError extends EngineError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super('TIMEOUT', `indicator task timed out after ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's AbortSignal fired before the task finished. */
export class EngineAbortedError extends EngineError {
  constructor(reason?: unknown) {
    super('ABORTED', 'indicator task aborted by the caller', { cause: reason });
  }
}

/** How long a refused caller is told to wait (the HTTP answer's Retry-After): a queue drains within a second. */
export const ENGINE_RETRY_AFTER_MS = 1000;

/** Queue full: rejected at once instead of letting the backlog grow without end. */
export class EngineOverloadedError extends EngineError {
  readonly maxQueue: number;
  /** Becomes the 429's Retry-After (seconds, rounded up). */
  readonly retryAfterMs = ENGINE_RETRY_AFTER_MS;
  constructor(maxQueue: number) {
    super('OVERLOADED', `engine queue is full (maxQueue ${maxQueue}); retry in ${ENGINE_RETRY_AFTER_MS / 1000} s`);
    this.maxQueue = maxQueue;
  }
}

/**
 * The computation itself failed. `code` is the indicator's own code (INVALID_PARAMS,
 * NOT_ENOUGH_DATA, UNKNOWN_INDICATOR, INVALID_INPUT) with its message, or WORKER_FAILED when
 * the worker threw something unexpected or died.
 */
export class EngineTaskError extends EngineError {}

/** compute() after close() (the process is shutting down: another one answers a retry). */
export class EngineClosedError extends EngineError {
  /** Becomes the 503's Retry-After. */
  readonly retryAfterMs = ENGINE_RETRY_AFTER_MS;
  constructor() {
    super('CLOSED', 'engine is closed');
  }
}
