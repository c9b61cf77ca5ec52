// Issue #11: every command README.md shows, exactly as written, from the repo root. The commands come
// from README's shell blocks (a README edit changes what runs); each lands in exactly one category
// (src/categories.ts) or this file fails naming it. Runs under `flock /tmp/wick-itest.lock` on a
// shared box: it binds port 3000, starts and stops a private Valkey cluster, and seeds wick_readme.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categorise, type Categorised } from '../src/categories.ts';
import { REPO_ROOT } from '../src/environment.ts';
import { progress } from '../src/progress.ts';
import { ShellProcess } from '../src/shell-process.ts';
import { normalized, readmeCommands, type ReadmeCommand } from '../src/readme-commands.ts';
import { benchCommand } from './commands/bench.ts';
import { importCommand, migrateCommand, restoredCommand, seedCommand } from './commands/data.ts';
import { dockerCommand, npmTestCommand, testFaultsCommand } from './commands/pipeline.ts';
import { curlCommand, feedBinanceCommand, feedSimCommand, k6Command, startServer, stopServer, webDevCommand } from './commands/server.ts';
import { servicesCommand, stopPrivateCluster } from './commands/services.ts';
import { setupCommand } from './commands/setup.ts';
import { dropTestDatabase, freshTestDatabase } from './support/context.ts';

const RUNNERS: Record<string, (cmd: ReadmeCommand) => Promise<void> | void> = {
  'npm-test': npmTestCommand,
  'test-faults': testFaultsCommand,
  docker: dockerCommand,
  services: servicesCommand,
  'db-migrate': migrateCommand,
  'db-seed': seedCommand,
  'db-import': importCommand,
  'db-restored': restoredCommand,
  curl: curlCommand,
  k6: k6Command,
  'feed-sim': feedSimCommand,
  'feed-binance': feedBinanceCommand,
  'web-dev': webDevCommand,
  setup: setupCommand,
  bench: benchCommand,
};

const commands = categorise(readmeCommands(readFileSync(`${REPO_ROOT}/README.md`, 'utf8')));

/** The commands of `ids`, in that order (README order within one id; services up → status → down). */
function phase(ids: string[]): Categorised[] {
  const verb = (c: Categorised) => ['up', 'status', 'down'].indexOf(/services:(\w+)/.exec(c.command.text)?.[1] ?? '');
  return commands
    .filter((c) => ids.includes(c.rule.id))
    .sort((a, b) => ids.indexOf(a.rule.id) - ids.indexOf(b.rule.id) || verb(a) - verb(b) || a.command.line - b.command.line);
}

function commandTests(list: Categorised[]): void {
  for (const { command, rule } of list) {
    it(
      `[${rule.category}] ${normalized(command.text)}`,
      async () => {
        progress(`README line ${command.line} [${rule.category}] ${rule.how}`);
        const run = RUNNERS[rule.id];
        if (!run) throw new Error(`no runner for rule ${rule.id}`);
        await run(command);
      },
      LONG.has(rule.id) ? 600_000 : 300_000,
    );
  }
}

/** Rules whose commands take minutes on a loaded 2-core box (each runner bounds its own commands below this). */
const LONG = new Set(['setup', 'bench']);

beforeAll(async () => {
  progress(`${commands.length} README commands:`);
  for (const { command, rule } of commands) progress(`  ${rule.category.padEnd(10)} ${normalized(command.text)}`);
  await freshTestDatabase();
});

afterAll(async () => {
  await stopServer();
  // A process a command left behind (its group outlived it) is killed here and named.
  for (const text of ShellProcess.killAll()) progress(`killed what \`${text}\` left running after its test`);
  stopPrivateCluster();
  await dropTestDatabase();
});

/** The order commands run in: data before the server that serves it; setup (which reseeds) after; benchmarks last. */
const PHASES: { title: string; ids: string[]; server?: boolean }[] = [
  { title: 'wired into the pipeline, or checked statically', ids: ['npm-test', 'test-faults', 'docker'] },
  { title: 'services', ids: ['services'] },
  { title: 'data', ids: ['db-migrate', 'db-seed', 'db-import', 'db-restored'] },
  { title: 'against a server on the seeded data', ids: ['curl', 'k6', 'feed-sim', 'feed-binance', 'web-dev'], server: true },
  { title: 'npm run setup', ids: ['setup'] },
  { title: 'benchmarks in smoke mode', ids: ['bench'] },
];

for (const p of PHASES) {
  describe(p.title, () => {
    const list = phase(p.ids);
    if (p.server && list.length > 0) {
      beforeAll(startServer);
      afterAll(stopServer);
    }
    commandTests(list);
  });
}

it('runs every categorised command in some phase', () => {
  const ids = new Set(PHASES.flatMap((p) => p.ids));
  const missing = commands.filter((c) => !ids.has(c.rule.id) || !RUNNERS[c.rule.id]).map((c) => normalized(c.command.text));
  expect(missing).toEqual([]);
});
