/**
 * Detaches the given arrays now and returns equivalent arrays over the moved memory plus the
 * buffers to list in postMessage's transferList — zero copies for arrays that own their buffer.
 *
 * Moving at call time (rather than when Piscina posts the task, which may be later if it queues)
 * makes the contract deterministic: once compute() has been called, the caller's arrays are
 * detached. A view that does not own its whole ArrayBuffer (a subarray, a slice of a decoded
 * cache blob, a pooled Buffer) is copied first, so memory the caller still uses is never taken.
 * SharedArrayBuffer-backed arrays are shared by postMessage anyway and are left alone.
 */
export function detachForTransfer<K extends string>(
  arrays: Partial<Record<K, Float64Array>>,
): { arrays: Partial<Record<K, Float64Array>>; transferList: ArrayBuffer[] } {
  const owned: Partial<Record<K, Float64Array>> = {};
  const buffers = new Set<ArrayBuffer>();
  for (const key of Object.keys(arrays) as K[]) {
    let arr = arrays[key];
    if (arr === undefined) continue;
    const buf = arr.buffer;
    if (buf instanceof ArrayBuffer && !buffers.has(buf)) {
      if (arr.byteOffset !== 0 || arr.byteLength !== buf.byteLength) arr = arr.slice();
      buffers.add(arr.buffer as ArrayBuffer);
    }
    owned[key] = arr;
  }
  const transfer = [...buffers];
  // structuredClone with `transfer` moves the backing stores (no copy) and detaches the originals.
  const moved = structuredClone(owned, { transfer });
  return { arrays: moved, transferList: collectBuffers(Object.values(moved)) };
}

/** The distinct transferable buffers behind these arrays. */
export function collectBuffers(arrays: Iterable<Float64Array | undefined>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const arr of arrays) if (arr !== undefined && arr.buffer instanceof ArrayBuffer) buffers.add(arr.buffer);
  return [...buffers];
}
