// Baseline for the pool bench: a bare Piscina task that does nothing, so the table can separate
// Piscina's own round trip from what the engine adds (validation, transfer, kernels).
export default function noop(task) {
  return task;
}
