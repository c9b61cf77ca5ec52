import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '@wick/market';
import { z } from 'zod';

/** "30s", "5m", "1h", "1500ms" or plain seconds → milliseconds. */
export const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h)?$/, 'must be a duration like 30s, 5m, 1h or 1500ms')
  .transform((s) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s)!;
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
    return Math.round(Number(m[1]) * unit);
  })
  .pipe(z.number().int().positive('must be longer than 0'));

export const symbolList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim().toUpperCase())
      .filter(Boolean),
  )
  .superRefine((symbols, ctx) => {
    for (const s of symbols) if (!SYMBOL_PATTERN.test(s)) ctx.addIssue({ code: 'custom', message: `"${s}": a symbol ${SYMBOL_RULE}` });
  })
  .pipe(z.array(z.string()).min(1, 'needs at least one symbol').max(100, 'at most 100 symbols'));

export const httpUrl = z.string().url('must be a URL like http://127.0.0.1:3000');

/** The ingest key: --key, else WICK_INGEST_KEY, else the first of the server's INGEST_API_KEYS. */
export function defaultIngestKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromList = env.INGEST_API_KEYS?.split(',')
    .map((k) => k.trim())
    .find(Boolean);
  return env.WICK_INGEST_KEY?.trim() || fromList;
}

/**
 * Parses argv with node:util and validates it with `schema`; on a mistake prints what is wrong
 * and the usage, and exits 2. `pnpm x -- --flag` hands "--" through (once per pnpm level): dropped.
 */
export function parseCli<S extends z.ZodType>(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  schema: S,
  usage: string,
): z.output<S> {
  let start = 0;
  while (argv[start] === '--') start += 1;
  const args = argv.slice(start);
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    fail(`${(err as Error).message}`, usage);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    fail(parsed.error.issues.map((i) => `--${String(i.path[0] ?? '')}: ${i.message}`).join('\n'), usage);
  }
  return parsed.data;
}

function fail(message: string, usage: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

/**
 * SIGINT/SIGTERM abort the returned signal (the feed then finishes its in-flight ingest and
 * exits); a second signal exits at once.
 */
export function shutdownSignal(onFirst: (signal: string) => void): AbortSignal {
  const controller = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.on(name, () => {
      if (controller.signal.aborted) process.exit(130);
      onFirst(name);
      controller.abort();
    });
  }
  return controller.signal;
}
