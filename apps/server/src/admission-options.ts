import { z } from 'zod';

/** The admission settings of the configuration (config.ts spreads them into its schema). */
export const admissionConfig = {
  /** `off` admits everything (the burst bench's "without the fix" arm). */
  ADMISSION: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  /** Requests of the work lane (DB, cache loads, engine) one process serves at once; past it, 503 at once. */
  ADMISSION_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(512),
  /**
   * Event-loop delay past which the process is saturated and the work lane is shed: well under the
   * 5 s request budget, above what a burst of cheap waiters (one computation, many callers) causes.
   */
  ADMISSION_MAX_LOOP_DELAY_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  /** `off` counts an identical in-flight query's joiners toward the cap like any request (the comparison arm). */
  ADMISSION_JOIN: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  /** What a shed request is told to wait before retrying (Retry-After, seconds). */
  ADMISSION_RETRY_AFTER_S: z.coerce.number().int().min(1).max(3600).default(1),
};

type AdmissionConfig = { [K in keyof typeof admissionConfig]: z.infer<(typeof admissionConfig)[K]> };

export interface AdmissionOptions {
  enabled: boolean;
  maxInFlight: number;
  maxLoopDelayMs: number;
  retryAfterS: number;
  /** Identical in-flight queries join instead of counting toward maxInFlight. */
  join: boolean;
}

/** The admission settings of a loaded configuration (loadConfig validated them). */
export function admissionOptions(config: AdmissionConfig): AdmissionOptions {
  return {
    enabled: config.ADMISSION === 'on',
    maxInFlight: config.ADMISSION_MAX_IN_FLIGHT,
    maxLoopDelayMs: config.ADMISSION_MAX_LOOP_DELAY_MS,
    retryAfterS: config.ADMISSION_RETRY_AFTER_S,
    join: config.ADMISSION_JOIN === 'on',
  };
}
