/** How the live push behaves in one process (the server fills it from LIVE_* settings). */
export interface LiveConfig {
  /** Concurrent streams one caller (its issued API key, else its IP) may hold on this process. */
  maxStreamsPerClient: number;
  /**
   * Events one subscriber may have waiting (liquidations, indicator updates not yet merged away).
   * Past it the waiting events are dropped and the subscriber gets one resync event instead.
   */
  queueLimit: number;
  /** Stream entries read per replay call while catching up. */
  replayBatch: number;
  /** How long a stream that could not reach Valkey for its replay waits before trying again. */
  retryMs: number;
}

export const DEFAULT_LIVE_CONFIG: LiveConfig = {
  maxStreamsPerClient: 20,
  queueLimit: 1000,
  replayBatch: 200,
  retryMs: 1000,
};

/** SSE ping interval of every subscription (tRPC sends a ping event when nothing else went out for this long). */
export const SSE_PING_MS = 5_000;
/** A client that hears nothing, not even a ping, for this long reconnects and resumes from its last event id. */
export const SSE_RECONNECT_AFTER_INACTIVITY_MS = 15_000;
