import { ClosingError, ConnectionError, GlideClusterClient, Logger, TimeoutError } from '@valkey/valkey-glide';
import type { Logger as PinoLogger } from 'pino';
import { CacheTimeoutError, CacheUnavailableError } from './errors.ts';

// The Rust core prints connection errors to stdout on its own; we log through pino instead.
Logger.init('off');

export interface ConnectionConfig {
  nodes: { host: string; port: number }[];
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  inflightLimit: number;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * Owns the GlideClusterClient. Never blocks start-up: the first connection attempt is bounded, and
 * if it fails a background loop keeps trying (250 ms doubling to 5 s). `recreate` replaces a client
 * that has stopped answering (e.g. a cluster restarted with new node ids).
 */
export class Connection {
  private client: GlideClusterClient | null = null;
  private connecting: Promise<boolean> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelay = RETRY_MIN_MS;
  private closed = false;

  constructor(
    private readonly cfg: ConnectionConfig,
    private readonly logger: PinoLogger | undefined,
    private readonly onConnected: () => void,
  ) {}

  get current(): GlideClusterClient | null {
    return this.client;
  }

  /** One attempt; on failure schedules the background retry loop. Resolves true when connected. */
  connect(): Promise<boolean> {
    this.connecting ??= this.attempt().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async attempt(): Promise<boolean> {
    if (this.closed) return false;
    try {
      const client = await GlideClusterClient.createClient({
        addresses: this.cfg.nodes,
        requestTimeout: this.cfg.requestTimeoutMs,
        inflightRequestsLimit: this.cfg.inflightLimit,
        advancedConfiguration: { connectionTimeout: this.cfg.connectTimeoutMs },
      });
      if (this.closed) {
        client.close();
        return false;
      }
      this.client = client;
      this.retryDelay = RETRY_MIN_MS;
      this.logger?.info({ nodes: this.cfg.nodes.length }, 'cache: connected to valkey cluster');
      this.onConnected();
      return true;
    } catch (err) {
      this.logger?.warn({ err: String(err), retryInMs: this.retryDelay }, 'cache: valkey connection failed');
      this.scheduleRetry();
      return false;
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  /** Drop the current client and connect a new one in the background. */
  recreate(): void {
    if (this.closed || this.connecting) return;
    const old = this.client;
    this.client = null;
    old?.close();
    void this.connect();
  }

  /** Run one call with a hard deadline (glide has its own requestTimeout; this also covers reconnect stalls). */
  async call<T>(fn: (client: GlideClusterClient) => Promise<T>, timeoutMs = this.cfg.requestTimeoutMs): Promise<T> {
    const client = this.client;
    if (!client) throw new CacheUnavailableError('valkey not connected');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CacheTimeoutError(`valkey call exceeded ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([fn(client), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => undefined);
    this.client?.close();
    this.client = null;
  }
}

export function isTimeout(err: unknown): boolean {
  return err instanceof TimeoutError || err instanceof CacheTimeoutError;
}

/** Errors that mean "the cluster is not there" rather than "this call was slow": open the breaker at once. */
export function isFatal(err: unknown): boolean {
  if (err instanceof CacheUnavailableError || err instanceof ClosingError || err instanceof ConnectionError) return true;
  const msg = err instanceof Error ? err.message : String(err);
  return /connection refused|failed to create initial connections|broken pipe|connection reset|all connections/i.test(msg);
}
