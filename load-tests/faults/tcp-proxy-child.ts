// The MySQL proxy's own process (tcp-proxy-process.ts starts it): every byte between the server
// processes and MySQL goes through it, so it must not live in the suite's process, which stalls for
// seconds while it builds a 100 MB body or parses a 1,000-request burst on a busy box — MySQL would
// then stall for the servers too, and their 1 s connect timeout would answer 503 for a harness
// artefact. Args: target host, target port. Prints `listening <port>`; reads `cut` / `restore` per
// line and answers `ok <command>` once done; exits when stdin closes.
import { createInterface } from 'node:readline';
import { TcpProxy } from '@wick/server/testing';

const [host, port] = process.argv.slice(2);
const proxy = await new TcpProxy({ host: host ?? '127.0.0.1', port: Number(port ?? 3306) }).start();
process.stdout.write(`listening ${proxy.port}\n`);

let queue = Promise.resolve();
createInterface({ input: process.stdin })
  .on('line', (line) => {
    const command = line.trim();
    queue = queue.then(async () => {
      if (command === 'cut') await proxy.cut();
      else if (command === 'restore') await proxy.restore();
      else {
        process.stdout.write(`unknown ${command}\n`);
        return;
      }
      process.stdout.write(`ok ${command}\n`);
    });
  })
  .on('close', () => {
    void queue.then(() => proxy.cut()).finally(() => process.exit(0));
  });
