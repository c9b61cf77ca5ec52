import { Decoder, GlideClusterClient, GlideClusterClientConfiguration, Logger, type PubSubMsg } from '@valkey/valkey-glide';
import type { Logger as PinoLogger } from 'pino';
import { withDeadline } from './deadline.ts';
import { CacheUnavailableError } from './errors.ts';

// The Rust core prints connection errors to stdout on its own; we log through pino instead.
Logger.init('off');

export interface ConnectionConfig {
  nodes: { host: string; port: number }[];
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  inflightLimit: number;
  /**
   * Makes this a pub/sub connection: sharded subscriptions are added at run time (ssubscribe), and
   * every message reaches this callback with channel and message as Buffers.
   */
  onPubSubMessage?: (message: PubSubMsg) => void;
  /** For logs: which connection this is. Default 'cache'. */
  label?: string;
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
    private readonly config: ConnectionConfig,
    private readonly logger: PinoLogger | undefined,
    private readonly onConnected: () => void,
  ) {}

  private get label(): string {
    return this.config.label ?? 'cache';
  }

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
      const { onPubSubMessage } = this.config;
      const client = await GlideClusterClient.createClient({
        addresses: this.config.nodes,
        requestTimeout: this.config.requestTimeoutMs,
        inflightRequestsLimit: this.config.inflightLimit,
        advancedConfiguration: { connectionTimeout: this.config.connectTimeoutMs },
        ...(onPubSubMessage && {
          defaultDecoder: Decoder.Bytes,
          // glide delivers messages to this callback only when subscriptions are configured at
          // creation: start with none, ssubscribe/sunsubscribe change them at run time.
          pubsubSubscriptions: {
            channelsAndPatterns: { [GlideClusterClientConfiguration.PubSubChannelModes.Sharded]: new Set<string>() },
            callback: (message: PubSubMsg) => onPubSubMessage(message),
          },
        }),
      });
      if (this.closed) {
        client.close();
        return false;
      }
      this.client = client;
      this.retryDelay = RETRY_MIN_MS;
      this.logger?.info({ nodes: this.config.nodes.length }, `${this.label}: connected to valkey cluster`);
      this.onConnected();
      return true;
    } catch (err) {
      this.logger?.warn({ err: String(err), retryInMs: this.retryDelay }, `${this.label}: valkey connection failed`);
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

  /**
   * Sends one call now. glide's requestTimeout, timed in its Rust core from the moment the core
   * takes the request, is the verdict on Valkey. The deadline here is only the backstop for a client
   * that never answers: twice that long by default, and blind to stalls of this process (deadline.ts).
   */
  call<T>(send: (client: GlideClusterClient) => Promise<T>, timeoutMs = 2 * this.config.requestTimeoutMs): Promise<T> {
    const client = this.client;
    if (!client) return Promise.reject(new CacheUnavailableError('valkey not connected'));
    let sent: Promise<T>;
    try {
      sent = send(client);
    } catch (err) {
      // glide throws synchronously on a closed client: report it like any failed call.
      return Promise.reject(err);
    }
    return withDeadline(sent, timeoutMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => undefined);
    this.client?.close();
    this.client = null;
  }
}
