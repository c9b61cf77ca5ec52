/**
 * `stream` with `release` run when it ends, however it ends — including a `return()` before its
 * first read, which would skip a generator's own `finally` (the body never started). tRPC returns a
 * stream early when its client leaves; a caller without a signal may too.
 */
export function releasingIterable<T>(stream: AsyncGenerator<T, void, unknown>, release: () => void): AsyncGenerator<T, void, unknown> {
  const wrapped: AsyncGenerator<T, void, unknown> = {
    next: (...args) => stream.next(...args),
    async return(value) {
      release();
      return stream.return(value);
    },
    async throw(err) {
      release();
      return stream.throw(err);
    },
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  };
  return wrapped;
}
