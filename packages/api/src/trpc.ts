import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import { keysEqual } from './auth.ts';
import type { Context } from './context.ts';
import { retryHintOf, toTRPCError, type RetryReason } from './errors.ts';
import { SSE_PING_MS, SSE_RECONNECT_AFTER_INACTIVITY_MS } from './live/live-config.ts';
import { enforceRateLimit } from './rate-limit.ts';

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Subscriptions over SSE: pings keep idle streams (and the proxies between) open, and a client that
  // hears nothing, not even a ping, for a while reconnects (resuming from its last event id).
  sse: {
    ping: { enabled: true, intervalMs: SSE_PING_MS },
    client: { reconnectAfterInactivityMs: SSE_RECONNECT_AFTER_INACTIVITY_MS },
  },
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    const hint = retryHintOf(error);
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      // tRPC's own message for a zod failure is the raw issue JSON; say it in words with the field paths.
      message: zod ? describeZodError(zod) : shape.message,
      data: {
        ...data,
        // Typed per field for clients: zod types the field errors of a ZodError<unknown> as `{}`.
        fieldErrors: zod ? (z.flattenError(zod).fieldErrors as Record<string, string[] | undefined>) : undefined,
        issues: zod ? zod.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) : undefined,
        // Retryable failures only: why (one of RETRY_REASONS, errors.ts) and, when known, after how long.
        reason: hint?.reason as RetryReason | undefined,
        retryAfterMs: hint?.retryAfterMs,
      },
    };
  },
});

function describeZodError(error: ZodError): string {
  const parts = error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`);
  return `Invalid input — ${parts.join('; ')}${error.issues.length > 5 ? ` (+${error.issues.length - 5} more)` : ''}`;
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Times every call, maps domain errors to tRPC codes, logs slow calls with their cache outcomes. */
const observed = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  const durationMs = performance.now() - started;
  ctx.metrics.countCacheOutcomes(ctx.cacheOutcomes);
  let outcome = 'ok';
  if (!result.ok) {
    const mapped = toTRPCError(result.error);
    outcome = mapped.code;
    ctx.metrics.observeRequest(path, outcome, durationMs);
    if (mapped !== result.error) throw mapped;
    return result;
  }
  ctx.metrics.observeRequest(path, outcome, durationMs);
  if (durationMs > ctx.config.slowMs) {
    ctx.log.warn({ path, type, durationMs: Math.round(durationMs), cache: ctx.cacheOutcomes }, 'slow call');
  }
  return result;
});

const rateLimited = t.middleware(async ({ ctx, next }) => {
  const prepaid = ctx.request.prepaid;
  if (prepaid && prepaid.calls > 0) {
    prepaid.calls--;
    return next();
  }
  await enforceRateLimit(ctx.services, ctx.config, ctx.request);
  return next();
});

export const publicProcedure = t.procedure.use(observed).use(rateLimited);

function requireKey(kind: 'ingest' | 'admin') {
  return t.middleware(({ ctx, next }) => {
    const keys = kind === 'admin' ? ctx.config.adminKeys : [...ctx.config.ingestKeys, ...ctx.config.adminKeys];
    const given = ctx.request.apiKey;
    if (!given || !keys.some((k) => keysEqual(k, given))) {
      throw new TRPCError({
        code: 'UNAUTHORIZED',
        message: `This procedure needs an ${kind} API key: send it as "Authorization: Bearer <key>" or "x-api-key".`,
      });
    }
    return next();
  });
}

export const ingestProcedure = publicProcedure.use(requireKey('ingest'));

/** Subscriptions: rate-limited like every read when they open; the process's live hub must be wired (the server does it). */
export const liveProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.live) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Live push is not enabled on this server.' });
  return next({ ctx: { live: ctx.live } });
});
export const adminProcedure = publicProcedure.use(requireKey('admin'));
