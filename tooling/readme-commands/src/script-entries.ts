import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface Pkg {
  dir: string;
  name: string;
  scripts: Record<string, string>;
}

function readPkg(dir: string): Pkg | null {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return null;
  const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; scripts?: Record<string, string> };
  return { dir, name: json.name ?? '', scripts: json.scripts ?? {} };
}

/** The root package and every workspace package (apps/*, packages/*, tooling/*, load-tests). */
export function workspacePackages(root: string): Pkg[] {
  const out: Pkg[] = [];
  for (const group of ['apps', 'packages', 'tooling']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const p = readPkg(join(dir, name));
      if (p) out.push(p);
    }
  }
  const lt = readPkg(join(root, 'load-tests'));
  if (lt) out.push(lt);
  return out;
}

/**
 * The TypeScript entry files a root script ends up running (`tsx file.ts`), followed through
 * `pnpm --filter X [run|exec] …` and `turbo run <task>` (every package with that script), relative
 * to `root`. For a static check before a long run, e.g. that each benchmark knows BENCH_SMOKE.
 */
export function scriptEntries(root: string, script: string): string[] {
  const rootPkg = readPkg(root)!;
  const packages = workspacePackages(root);
  const files: string[] = [];
  const follow = (pkg: Pkg, text: string, depth: number): void => {
    if (depth > 5) throw new Error(`script chain too deep at ${pkg.name}: ${text}`);
    const turbo = /\bturbo run (\S+)/.exec(text);
    if (turbo) {
      for (const p of packages) if (p.scripts[turbo[1]!]) follow(p, p.scripts[turbo[1]!]!, depth + 1);
      return;
    }
    const filter = /\bpnpm (?:-\S+ )*--filter (\S+) (?:run |exec )?(?:(?:-s|--silent) )?(.+)$/.exec(text);
    if (filter) {
      const target = packages.find((p) => p.name === filter[1]);
      if (!target) throw new Error(`no workspace package ${filter[1]}`);
      const rest = filter[2]!.trim();
      if (target.scripts[rest.split(' ')[0]!]) follow(target, target.scripts[rest.split(' ')[0]!]!, depth + 1);
      else follow(target, rest, depth + 1);
      return;
    }
    const tsx = /(?:^|\s)(?:tsx|node --import tsx)\s+(\S+\.ts)\b/.exec(text);
    if (tsx) {
      files.push(relative(root, join(pkg.dir, tsx[1]!)));
      return;
    }
    throw new Error(`cannot follow the script of ${pkg.name}: ${text}`);
  };
  const text = rootPkg.scripts[script];
  if (!text) throw new Error(`the root package.json has no script ${script}`);
  follow(rootPkg, text, 0);
  return files;
}
