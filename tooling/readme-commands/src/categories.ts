import { normalized, type ReadmeCommand } from './readme-commands.ts';

/**
 * How the test covers a README command:
 * - `exact`: run exactly as written from the repo root; only the environment is chosen (a database,
 *   a cache prefix and keys of the test's own), and its effect is asserted;
 * - `smoke`: run as written with BENCH_SMOKE=1 (the same code paths at tiny sizes);
 * - `pipeline`: what `npm test` itself is or runs: the test asserts the wiring instead of running it;
 * - `unrunnable`: cannot run on this machine, for the stated reason; what can be checked is checked.
 */
export type Category = 'exact' | 'smoke' | 'pipeline' | 'unrunnable';

export interface Rule {
  /** Names the runner (test/runners) that covers the commands the rule matches. */
  id: string;
  category: Category;
  /** Matched against the command on one line (whitespace collapsed). */
  pattern: RegExp;
  /** What the test does with it, or why it cannot run: printed when it runs. */
  how: string;
}

export const RULES: readonly Rule[] = [
  { id: 'setup', category: 'exact', pattern: /^npm run setup$/, how: 'until its dashboard answers with the app and /health; then Ctrl-C' },
  { id: 'npm-test', category: 'pipeline', pattern: /^npm test$/, how: 'this test runs inside it: checks .ci/run calls it' },
  {
    id: 'docker',
    category: 'unrunnable',
    pattern: /^docker compose /,
    how: 'no Docker engine on this machine: docker-compose.yml is checked for the services and profiles the command names',
  },
  {
    id: 'services',
    category: 'exact',
    pattern: /^pnpm services:(up|status|down)$/,
    how: 'on a private cluster (VALKEY_PORT_BASE) so the shared one stays up',
  },
  { id: 'db-migrate', category: 'exact', pattern: /^pnpm db:migrate$/, how: 'on the test database; the tables exist after' },
  { id: 'db-seed', category: 'exact', pattern: /^pnpm db:seed( -- .*)?$/, how: 'on the test database; counts match the flags' },
  {
    id: 'db-import',
    category: 'exact',
    pattern: /^pnpm db:import -- .*\.csv$/,
    how: 'on a small file the test writes at the repo root under the README name',
  },
  {
    id: 'db-restored',
    category: 'exact',
    pattern: /^pnpm db:restored$/,
    how: 'on the test database, its heads set back as a restored backup leaves them; every head is above the clock after',
  },
  {
    id: 'curl',
    category: 'exact',
    pattern: /^curl .*'http:\/\/127\.0\.0\.1:3000\/(trpc|export)\//,
    how: 'against a server on the seeded data',
  },
  { id: 'k6', category: 'exact', pattern: /^pnpm k6 run load-tests\/[\w-]+\.js$/, how: 'against a server on the seeded data' },
  {
    id: 'feed-sim',
    category: 'exact',
    pattern: /^pnpm feed:sim( -- .*)?$/,
    how: '<ingest key> is the server’s real key; a few seconds, until candles move, then Ctrl-C',
  },
  {
    id: 'feed-binance',
    category: 'unrunnable',
    pattern: /^pnpm feed:binance -- /,
    how:
      'no internet here to reach Binance: the command runs as written plus the connector’s --ws-url/--rest-url ' +
      'pointing at a local server speaking Binance’s stream format (@wick/feeds’ own fake is test-only, not exported)',
  },
  { id: 'web-dev', category: 'exact', pattern: /^pnpm --filter @wick\/web dev$/, how: 'until Vite answers, against a running server' },
  {
    id: 'test-faults',
    category: 'pipeline',
    pattern: /^pnpm test:faults$/,
    how: 'npm test runs it after the packages (scripts/test.sh): its wiring is checked and its 7 faults collected',
  },
  {
    id: 'bench',
    category: 'smoke',
    pattern: /^pnpm bench(:[\w-]+)?$/,
    how: 'BENCH_SMOKE=1: tiny sizes, no docs written',
  },
];

export interface Categorised {
  command: ReadmeCommand;
  rule: Rule;
}

/** Each command with its one rule; throws naming every command that has no rule or more than one. */
export function categorise(commands: readonly ReadmeCommand[], rules: readonly Rule[] = RULES): Categorised[] {
  const problems: string[] = [];
  const out: Categorised[] = [];
  for (const command of commands) {
    const matching = rules.filter((r) => r.pattern.test(normalized(command.text)));
    if (matching.length === 1) out.push({ command, rule: matching[0]! });
    else if (matching.length === 0) problems.push(`README line ${command.line}: no category for \`${normalized(command.text)}\``);
    else {
      const ids = matching.map((r) => r.id).join(', ');
      problems.push(`README line ${command.line}: \`${normalized(command.text)}\` matches several categories (${ids})`);
    }
  }
  if (problems.length > 0) throw new Error(`every README command needs exactly one category:\n${problems.join('\n')}`);
  return out;
}
