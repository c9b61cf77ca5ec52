const started = performance.now();

/** A progress line on stderr (the run is long): seconds since the file started, then `line`. */
export function progress(line: string): void {
  process.stderr.write(`[readme ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
}
