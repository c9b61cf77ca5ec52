// The machine-wide lock of tests that stop or kill Valkey nodes (/tmp/wick-itest.lock): the fault
// suite takes it itself, so `pnpm test` and `pnpm test:faults` never overlap another such test.
// (Do not wrap the suite in `flock` as well: a second lock on the same file would wait for the first.)
import { spawn } from 'node:child_process';

export const ITEST_LOCK = process.env.WICK_ITEST_LOCK ?? '/tmp/wick-itest.lock';

/**
 * Waits for the lock and returns its release. The lock is held by `flock … cat` reading this
 * process's pipe: release closes the pipe, and so does this process dying, so the lock can never
 * outlive the suite.
 */
export function holdItestLock(): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const child = spawn('flock', [ITEST_LOCK, 'sh', '-c', 'echo held && exec cat'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (err) => reject(new Error(`cannot take ${ITEST_LOCK} with flock (util-linux): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`flock ${ITEST_LOCK} exited with ${code}: ${stderr}`)));
    child.stdout.once('data', () => resolve(() => child.stdin.end()));
  });
}
