// A helper process driven over stdin/stdout one line at a time (the MySQL proxy, k6's control): what
// it says next, and a command with its answer, each behind a hang guard.
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export class LineChannel {
  private readonly waiting: ((line: string) => void)[] = [];

  constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
    private readonly hangGuardMs: number,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.waiting.shift()?.(line));
  }

  /** The child's next line. */
  next(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not answer`)), this.hangGuardMs);
      this.waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }

  /** Sends `command` and resolves once the child answers `expected`; any other answer is an error. */
  async ask(command: string, expected: string): Promise<void> {
    const answer = this.next();
    this.child.stdin?.write(`${command}\n`);
    const line = await answer;
    if (line !== expected) throw new Error(`${this.name} answered "${line}" to ${command}`);
  }
}
