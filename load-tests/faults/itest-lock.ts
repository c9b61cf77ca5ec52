// The machine-wide lock of tests that stop or kill Valkey nodes (/tmp/wick-itest.lock): the fault
// suite takes it itself, so `pnpm test` and `pnpm test:faults` never overlap another such test.
// Run as `flock /tmp/wick-itest.lock pnpm test:faults` it sees that an ancestor process already
// holds the lock and does not wait for it (a second flock on the file would wait for the first).
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

export const ITEST_LOCK = process.env.WICK_ITEST_LOCK ?? '/tmp/wick-itest.lock';

function parentOf(pid: number): number {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/** Whether a process above this one (e.g. `flock … pnpm test:faults`) holds an flock on `path`. */
export function heldByAncestor(path: string): boolean {
  let inode: number;
  let locks: string;
  try {
    inode = statSync(path).ino;
    locks = readFileSync('/proc/locks', 'utf8');
  } catch {
    return false;
  }
  // "1: FLOCK  ADVISORY  WRITE 9491 fe:00:2146514 0 EOF": holder pid, then major:minor:inode.
  const holders = new Set<number>();
  for (const line of locks.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[1] === 'FLOCK' && Number(f[5]?.split(':')[2]) === inode) holders.add(Number(f[4]));
  }
  for (let pid = parentOf(process.pid); pid > 1; pid = parentOf(pid)) if (holders.has(pid)) return true;
  return false;
}

/**
 * Waits for the lock and returns its release. The lock is held by `flock … cat` reading this
 * process's pipe: release closes the pipe, and so does this process dying, so the lock can never
 * outlive the suite.
 */
export function holdItestLock(): Promise<() => void> {
  if (heldByAncestor(ITEST_LOCK)) return Promise.resolve(() => undefined);
  return new Promise((resolve, reject) => {
    const child = spawn('flock', [ITEST_LOCK, 'sh', '-c', 'echo held && exec cat'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (err) => reject(new Error(`cannot take ${ITEST_LOCK} with flock (util-linux): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`flock ${ITEST_LOCK} exited with ${code}: ${stderr}`)));
    child.stdout.once('data', () => resolve(() => child.stdin.end()));
  });
}
