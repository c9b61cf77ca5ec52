// The phase k6-read-mix.js asks before each request, served by a process of its own (k6-load.ts
// starts it): the suite's own process stalls for seconds while it fires and parses a 1,000-request
// burst on a busy box, and a control answer must not wait behind that. Reads a phase per line on
// stdin (all | burst | stop) and answers `phase <name>` on stdout once it is in force; prints
// `listening <port>` first. It exits when stdin closes (the suite is gone): k6's next ask is then
// refused and k6 stops.
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';

const PHASES = new Set(['all', 'burst', 'stop']);
let phase = 'all';

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(phase);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const next = line.trim();
    if (!PHASES.has(next)) {
      process.stderr.write(`k6-control: unknown phase "${next}"\n`);
      return;
    }
    phase = next;
    process.stdout.write(`phase ${phase}\n`);
  })
  .on('close', () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
