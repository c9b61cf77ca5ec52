import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const modules = JSON.parse(readFileSync(`${dist}.vite/modules.json`, 'utf8')) as Record<string, string[]>;
const all = Object.values(modules).flat();

describe('the web bundle (built by global-setup)', () => {
  it('holds no server code: nothing of api, db, cache, engine, indicators or apps/server', () => {
    expect(all.some((m) => m.includes('/apps/web/src/'))).toBe(true);
    expect(all.filter((m) => /\/(packages\/(api|db|cache|engine|indicators)|apps\/server)\//.test(m))).toEqual([]);
    expect(all.filter((m) => /node_modules\/(mysql2|drizzle-orm|@valkey|piscina|pino|prom-client|zod)\//.test(m))).toEqual([]);
  });

  it('carries of @trpc/server only the runtime its client shares, never an adapter or router builder', () => {
    const trpcServer = all.filter((m) => m.includes('/@trpc/server/'));
    expect(trpcServer.filter((m) => /adapters|initTRPC|router/.test(m))).toEqual([]);
  });

  it('imports no Node built-ins and stays under 200 kB of gzipped JS (a production build)', () => {
    const js = readdirSync(`${dist}assets`).filter((f) => f.endsWith('.js'));
    const text = js.map((f) => readFileSync(`${dist}assets/${f}`, 'utf8')).join('\n');
    expect(text).not.toMatch(/from\s*["']node:/);
    const gzipped = js.reduce((sum, f) => sum + gzipSync(readFileSync(`${dist}assets/${f}`)).length, 0);
    expect(gzipped).toBeLessThan(200_000);
  });
});
