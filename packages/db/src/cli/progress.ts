import cliProgress from 'cli-progress';

/** One bar per table with rows/s; quiet (no bar) when stdout is not a terminal, lines instead. */
export function progressPrinter(): { update(p: { table: string; done: number; total: number }): void; stop(): void } {
  let bar: cliProgress.SingleBar | null = null;
  let table = '';
  let started = 0;
  let lastLog = 0;
  const tty = process.stdout.isTTY === true;
  const finish = () => {
    if (bar) bar.stop();
    bar = null;
  };
  return {
    update(p) {
      if (p.table !== table) {
        finish();
        table = p.table;
        started = performance.now();
        lastLog = 0;
        if (tty) {
          bar = new cliProgress.SingleBar(
            { format: `${p.table.padEnd(18)} [{bar}] {percentage}% {value}/{total} rows | {rate} rows/s | {duration_formatted}` },
            cliProgress.Presets.shades_classic,
          );
          bar.start(p.total, 0, { rate: 0 });
        }
      }
      const secs = (performance.now() - started) / 1000;
      const rate = secs > 0 ? Math.round(p.done / secs) : 0;
      if (bar) bar.update(p.done, { rate });
      else if (p.done === p.total || performance.now() - lastLog > 2000) {
        lastLog = performance.now();
        console.log(`${p.table}: ${p.done}/${p.total} rows, ${rate} rows/s`);
      }
    },
    stop: finish,
  };
}
