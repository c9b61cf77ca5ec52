import { z } from 'zod';

/**
 * Admission settings, read from the environment like the rest of the configuration (they belong in
 * config.ts; kept here until the lead moves them).
 */
export const admissionOptionsSchema = z.object({
  /** `off` admits everything (the burst bench's "without the fix" arm). */
  ADMISSION: z.enum(['on', 'off']).default('on'),
  /** Requests of the work lane (DB, cache loads, engine) one process serves at once; past it, 503 at once. */
  ADMISSION_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(512),
  /**
   * Event-loop delay past which the process is saturated and the work lane is shed: well under the
   * 5 s request budget, above what a burst of cheap waiters (one computation, many callers) causes.
   */
  ADMISSION_MAX_LOOP_DELAY_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  /** What a shed request is told to wait before retrying (Retry-After, seconds). */
  ADMISSION_RETRY_AFTER_S: z.coerce.number().int().min(1).max(3600).default(1),
});

export interface AdmissionOptions {
  enabled: boolean;
  maxInFlight: number;
  maxLoopDelayMs: number;
  retryAfterS: number;
}

export function admissionOptions(env: Record<string, string | undefined>): AdmissionOptions {
  const parsed = admissionOptionsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const o = parsed.data;
  return {
    enabled: o.ADMISSION === 'on',
    maxInFlight: o.ADMISSION_MAX_IN_FLIGHT,
    maxLoopDelayMs: o.ADMISSION_MAX_LOOP_DELAY_MS,
    retryAfterS: o.ADMISSION_RETRY_AFTER_S,
  };
}
