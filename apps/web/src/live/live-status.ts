/**
 * The state of one live stream as the status dot shows it:
 * - connecting: opened, the server has not said `connected` yet;
 * - live: connected (events flow, pings keep it open);
 * - reconnecting: it was cut (or timed out) and the link is trying again, resuming from its last event id;
 * - failed: the server refused it for good (a bad input): it will not come back by itself.
 */
export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'failed';

/** What the dot shows for the whole page. */
export type LiveStatus = StreamState | 'paused' | 'idle';

/** The worst state wins: one cut stream is enough for "reconnecting", one refused one for "failed". */
const RANK: Record<StreamState, number> = { live: 0, connecting: 1, reconnecting: 2, failed: 3 };

export function overallStatus(states: Iterable<StreamState>, paused: boolean): LiveStatus {
  if (paused) return 'paused';
  let worst: StreamState | null = null;
  for (const s of states) if (worst === null || RANK[s] > RANK[worst]) worst = s;
  return worst ?? 'idle';
}

/**
 * The open streams of the page and their states, outside React (each live hook reports into it;
 * the dot reads it through useSyncExternalStore). Snapshots are immutable: a change makes a new one.
 */
export class StreamRegistry {
  private readonly states = new Map<string, StreamState>();
  private snapshot: ReadonlyMap<string, StreamState> = new Map();
  private readonly listeners = new Set<() => void>();

  report(id: string, state: StreamState): void {
    if (this.states.get(id) === state) return;
    this.states.set(id, state);
    this.changed();
  }

  remove(id: string): void {
    if (this.states.delete(id)) this.changed();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ReadonlyMap<string, StreamState> => this.snapshot;

  private changed(): void {
    this.snapshot = new Map(this.states);
    for (const l of this.listeners) l();
  }
}
