// The README parser and the category rules, as pure logic (no command runs here).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { categorise, RULES, type Rule } from '../src/categories.ts';
import { composeServices } from '../src/compose-file.ts';
import { REPO_ROOT } from '../src/environment.ts';
import { normalized, readmeCommands, splitCommands } from '../src/readme-commands.ts';
import { scriptEntries } from '../src/script-entries.ts';

const fence = '```';

describe('readmeCommands', () => {
  it('takes shell fences only, strips comments, keeps quoted # and continuation lines', () => {
    const md = [
      '# Title',
      '## Data',
      `${fence}sh`,
      'pnpm db:migrate          # a comment',
      '# a whole-line comment',
      '',
      'curl -s \'http://x/?q=a#b\' -H "X: #1"   # trailing',
      'pnpm db:seed -- --symbols 5 \\',
      '  --days 7',
      'echo a#b',
      fence,
      `${fence}ts`,
      'const notACommand = 1;',
      fence,
      `${fence}`,
      'apps/server   not a command either',
      fence,
      '## Other',
      `${fence}bash`,
      'npm test',
      fence,
    ].join('\n');
    const cmds = readmeCommands(md);
    expect(cmds.map((c) => c.text)).toEqual([
      'pnpm db:migrate',
      'curl -s \'http://x/?q=a#b\' -H "X: #1"',
      'pnpm db:seed -- --symbols 5 \\\n  --days 7',
      'echo a#b',
      'npm test',
    ]);
    expect(cmds.map((c) => c.line)).toEqual([4, 7, 8, 10, 20]);
    expect(cmds.map((c) => c.section)).toEqual(['Data', 'Data', 'Data', 'Data', 'Other']);
    expect(normalized(cmds[2]!.text)).toBe('pnpm db:seed -- --symbols 5 --days 7');
  });

  it('keeps a quoted string that spans lines in one command', () => {
    expect(splitCommands("echo 'a\nb' && true\nnext").map((c) => c.text)).toEqual(["echo 'a\nb' && true", 'next']);
  });

  it('refuses an unclosed fence and an unterminated quote', () => {
    expect(() => readmeCommands(`${fence}sh\nnpm test\n`)).toThrow(/never closed/);
    expect(() => splitCommands("echo 'oops")).toThrow(/unterminated/);
  });
});

describe('categorise', () => {
  const rules: Rule[] = [
    { id: 'a', category: 'exact', pattern: /^pnpm a$/, how: '' },
    { id: 'ab', category: 'smoke', pattern: /^pnpm a/, how: '' },
  ];

  it('fails naming a command with no category and one with several', () => {
    const cmds = splitCommands('pnpm a\npnpm z\npnpm ab', 10);
    expect(() => categorise(cmds, rules)).toThrow(
      /line 10: `pnpm a` matches several categories \(a, ab\)[\s\S]*line 11: no category for `pnpm z`/,
    );
    expect(categorise(splitCommands('pnpm ab'), rules).map((c) => c.rule.id)).toEqual(['ab']);
  });

  it('gives every command README.md shows exactly one category', () => {
    const commands = readmeCommands(readFileSync(`${REPO_ROOT}/README.md`, 'utf8'));
    expect(commands.length).toBeGreaterThan(10);
    const categorised = categorise(commands, RULES);
    expect(categorised).toHaveLength(commands.length);
  });
});

describe('composeServices', () => {
  it('reads services, profiles, build and volumes of block-style YAML', () => {
    const yaml = [
      'x-anchor: &a',
      '  image: foo',
      'services:',
      '  db:',
      '    image: mysql:8.4',
      "    ports: ['3306:3306']",
      '  seed:',
      '    build: .',
      "    profiles: ['seed'] # one-shot",
      '  k6:',
      '    volumes:',
      '      - ./load-tests:/scripts:ro',
      "    profiles: ['load']",
      'volumes: {}',
    ].join('\n');
    const s = composeServices(yaml);
    expect([...s.keys()]).toEqual(['db', 'seed', 'k6']);
    expect(s.get('db')).toMatchObject({ build: false, ports: ['3306:3306'], profiles: [] });
    expect(s.get('seed')).toMatchObject({ build: true, profiles: ['seed'] });
    expect(s.get('k6')).toMatchObject({ volumes: ['./load-tests:/scripts:ro'], profiles: ['load'] });
  });
});

describe('scriptEntries', () => {
  it('follows root scripts through pnpm --filter, package scripts and turbo to the files they run', () => {
    expect(scriptEntries(REPO_ROOT, 'bench:live')).toEqual(['load-tests/bench/live-feed.ts']);
    expect(scriptEntries(REPO_ROOT, 'bench:burst')).toEqual(['load-tests/bench/burst.ts']);
    expect(scriptEntries(REPO_ROOT, 'db:import')).toEqual(['apps/server/src/cli/data-command.ts']);
    const all = scriptEntries(REPO_ROOT, 'bench');
    expect(all).toContain('packages/indicators/bench/kernels.bench.ts');
    expect(all.every((f) => existsSync(`${REPO_ROOT}/${f}`))).toBe(true);
    expect(() => scriptEntries(REPO_ROOT, 'no-such-script')).toThrow(/no script no-such-script/);
  });
});
