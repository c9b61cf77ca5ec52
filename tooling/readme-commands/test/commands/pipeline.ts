// The commands this test runs inside of (npm test) or that it cannot run again here: their wiring is
// asserted instead. And docker compose, which needs an engine this machine does not have.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { composeServices } from '../../src/compose-file.ts';
import { REPO_ROOT } from '../../src/environment.ts';
import { normalized, type ReadmeCommand } from '../../src/readme-commands.ts';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const scriptsOf = (path: string) => (JSON.parse(read(path)) as { scripts: Record<string, string> }).scripts;

/** npm test: CI runs exactly it, it runs scripts/test.sh, and that runs every package's tests (this one's included). */
export function npmTestCommand(): void {
  expect(
    read('.ci/run')
      .split('\n')
      .map((l) => l.trim()),
  ).toContain('npm test');
  expect(scriptsOf('package.json').test).toBe('bash scripts/test.sh');
  expect(read('scripts/test.sh')).toMatch(/turbo run test\b/);
  expect(scriptsOf('tooling/readme-commands/package.json').test).toMatch(/^vitest run/);
}

/**
 * pnpm test:faults is long (minutes, a private cluster, faults applied under load) and npm test runs
 * it after every package's tests (scripts/test.sh), so it is covered there and not run again here.
 * What is checked: test.sh runs the same script README shows and folds its report into the summary
 * line, README says npm test runs it, and vitest collects all seven faults from its config.
 */
export async function testFaultsCommand(): Promise<void> {
  const testSh = read('scripts/test.sh');
  expect(testSh, 'scripts/test.sh runs pnpm test:faults').toMatch(/pnpm run -s test:faults/);
  expect(testSh, 'scripts/test.sh folds the fault report into the summary').toMatch(/faults\/join-report\.ts/);
  expect(read('README.md'), 'README shows `pnpm test:faults` and must say npm test runs it').toMatch(
    /`npm test` also runs the fault suite/,
  );
  expect(scriptsOf('package.json')['test:faults']).toBe('pnpm --filter @wick/load-tests run test:faults');
  expect(scriptsOf('load-tests/package.json')['test:faults']).toMatch(/^vitest run --config vitest\.faults\.config\.ts\b/);
  const listed = await runText('pnpm', ['--filter', '@wick/load-tests', 'exec', 'vitest', 'list', '--config', 'vitest.faults.config.ts']);
  const faults = [...listed.matchAll(/faults under load > (\d)\. /g)].map((m) => Number(m[1])).sort();
  expect(faults, 'the fault suite collects faults 1-7').toEqual([1, 2, 3, 4, 5, 6, 7]);
  console.log('[readme] pnpm test:faults: run by npm test after the packages (scripts/test.sh); wiring checked, 7 faults collected');
}

/** Runs a command from the repo root and resolves to its stdout (rejects on a non-zero exit). */
function runText(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: REPO_ROOT, timeout: 120_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

/**
 * docker compose needs a Docker engine (none here). What the command names must exist in
 * docker-compose.yml: each `--profile` on some service, each `run` service (in that profile),
 * something to `--build`, and the files a `k6 run /scripts/…` path maps to.
 */
export function dockerCommand(cmd: ReadmeCommand): void {
  const text = normalized(cmd.text);
  const services = composeServices(read('docker-compose.yml'));
  expect(services.size).toBeGreaterThan(0);
  const profile = /--profile (\S+)/.exec(text)?.[1];
  if (profile)
    expect(
      [...services.values()].some((s) => s.profiles.includes(profile)),
      `no service in profile ${profile}`,
    ).toBe(true);
  const run = /\brun --rm (\S+)/.exec(text)?.[1] ?? /\brun (?!--)(\S+)/.exec(text)?.[1];
  if (run) {
    const service = services.get(run);
    expect(service, `no service ${run} in docker-compose.yml`).toBeDefined();
    if (profile) expect(service!.profiles).toContain(profile);
  }
  if (/\bup\b.*--build/.test(text)) {
    expect([...services.values()].some((s) => s.build)).toBe(true);
    expect(existsSync(join(REPO_ROOT, 'Dockerfile'))).toBe(true);
    expect(services.get('server')?.ports).toContain('3000:3000');
  }
  const script = /\bk6 run (\/\S+)/.exec(text)?.[1];
  if (script) {
    const mount = services
      .get(run ?? 'k6')!
      .volumes.map((v) => v.split(':'))
      .find(([, target]) => target !== undefined && script.startsWith(`${target}/`));
    expect(mount, `no volume of ${run} holds ${script}`).toBeDefined();
    expect(existsSync(join(REPO_ROOT, mount![0]!, script.slice(mount![1]!.length)))).toBe(true);
  }
}
