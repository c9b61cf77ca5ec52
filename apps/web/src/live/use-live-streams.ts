import { useEffect, useRef } from 'react';
import { recordFailure } from '../status/incident-store.ts';
import { useLive } from './live-context.ts';
import type { StreamRegistry } from './live-status.ts';

/** What a tRPC subscription reports (the client's `subscribe(input, observer)` takes this shape). */
export interface StreamObserver<T> {
  onStarted: () => void;
  onData: (data: T) => void;
  onError: (err: unknown) => void;
  onConnectionStateChange: (state: { state: 'idle' | 'connecting' | 'pending'; error: unknown }) => void;
  onComplete: () => void;
}

/** One live stream: `key` names everything its input depends on (a new key is a new stream). */
export interface StreamSpec<T> {
  key: string;
  open: (observer: StreamObserver<T>) => { unsubscribe(): void };
  /**
   * The stream (re)started with no position to resume from: it had sent no event yet when it was
   * cut, or it is opened again after a pause. Events published in between are not coming: a stream
   * whose first event is not a snapshot must reload what it shows.
   */
  onGap?: () => void;
}

/** A stream the server ended (it returned) is opened again after this long: it starts with a fresh snapshot. */
const REOPEN_MS = 1000;

/**
 * Opens one subscription per spec, closes the ones whose key is gone, reports each one's state to
 * the page's status dot and hands every event to `onEvent(key, event)`. Reconnecting and resuming
 * from the last event id is the tRPC link's job; a refused stream (bad input) is reported, not retried.
 * While live is paused every stream is closed.
 */
export function useLiveStreams<T>(name: string, specs: readonly StreamSpec<T>[], onEvent: (key: string, event: T) => void): void {
  const { registry, paused } = useLive();
  const latest = useRef({ specs, onEvent });
  latest.current = { specs, onEvent };
  const open = useRef(new Map<string, () => void>());
  const opened = useRef(new Set<string>());
  const keys = paused ? '' : specs.map((s) => s.key).join('\n');

  useEffect(() => {
    const wanted = new Set(keys ? keys.split('\n') : []);
    for (const [key, close] of open.current) {
      if (wanted.has(key)) continue;
      close();
      open.current.delete(key);
    }
    for (const spec of latest.current.specs) {
      if (!wanted.has(spec.key) || open.current.has(spec.key)) continue;
      const again = opened.current.has(spec.key);
      opened.current.add(spec.key);
      open.current.set(
        spec.key,
        startStream(registry, `${name}|${spec.key}`, spec, again, (e) => latest.current.onEvent(spec.key, e)),
      );
    }
  }, [keys, name, registry]);

  useEffect(() => {
    const streams = open.current;
    const seen = opened.current;
    return () => {
      for (const close of streams.values()) close();
      streams.clear();
      seen.clear(); // mounted again (StrictMode does it in development), a stream is a first one again
    };
  }, []);
}

let streamSeq = 0;

function startStream<T>(registry: StreamRegistry, label: string, spec: StreamSpec<T>, again: boolean, onEvent: (e: T) => void): () => void {
  const id = `${label}#${++streamSeq}`;
  let closed = false;
  let started = again;
  let positioned = false;
  let sub: { unsubscribe(): void } | null = null;
  let reopen: ReturnType<typeof setTimeout> | undefined;
  const start = () => {
    registry.report(id, 'connecting');
    positioned = false; // a reopened subscription starts without a position
    sub = spec.open({
      onStarted: () => {
        if (closed) return;
        registry.report(id, 'live');
        if (started && !positioned) spec.onGap?.();
        started = true;
      },
      onData: (data) => {
        if (closed) return;
        positioned = true;
        onEvent(data);
      },
      onConnectionStateChange: ({ state, error }) => {
        if (closed) return;
        if (state === 'connecting') registry.report(id, error ? 'reconnecting' : 'connecting');
        else if (state === 'pending') registry.report(id, 'live');
      },
      onError: (err) => {
        if (closed) return;
        recordFailure(err); // rate limited / database down feed the banners like any failed call
        registry.report(id, 'failed');
      },
      onComplete: () => {
        if (closed) return;
        registry.report(id, 'reconnecting');
        reopen = setTimeout(start, REOPEN_MS);
      },
    });
  };
  start();
  return () => {
    closed = true;
    clearTimeout(reopen);
    sub?.unsubscribe();
    registry.remove(id);
  };
}
