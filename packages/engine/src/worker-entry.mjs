// Piscina worker entry, plain JS so any Node 20 can start it. Node 20 cannot load .ts on its own,
// and whether a worker inherits a TS loader depends on how the process was started (tsx's CLI and
// vitest do not pass theirs to worker threads). So probe with a throwaway module — a failed import
// is cached, hence not the real one — and register tsx's ESM hooks in this thread only if needed.
async function canLoadTs() {
  try {
    await import('./ts-probe.ts');
    return true;
  } catch (err) {
    if (err?.code === 'ERR_UNKNOWN_FILE_EXTENSION') return false;
    throw err;
  }
}

if (!(await canLoadTs())) {
  const { register } = await import('tsx/esm/api');
  register();
}

const { default: runTask } = await import('./worker.ts');
export default runTask;
