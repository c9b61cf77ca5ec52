import { GlideClusterClientConfiguration, type GlideString, type PubSubMsg } from '@valkey/valkey-glide';
import type { Logger } from 'pino';
import { Connection } from './connection.ts';
import type { LiveUpstream } from './live-subscriptions.ts';

export interface GlideUpstreamConfig {
  nodes: { host: string; port: number }[];
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  /** How long subscribe waits for Valkey's confirmation before reporting "not yet". */
  subscribeTimeoutMs: number;
}

export interface GlideUpstreamEvents {
  onMessage: (channel: string, message: Buffer) => void;
  /** A new client replaced the previous one: its subscriptions were re-requested from scratch. */
  onReplaced: () => void;
}

const SHARDED = GlideClusterClientConfiguration.PubSubChannelModes.Sharded;
/** With Decoder.Bytes glide hands out Buffers; a GlideString may also be a string or a plain Uint8Array. */
const bytes = (value: GlideString): Buffer =>
  typeof value === 'string'
    ? Buffer.from(value, 'latin1')
    : Buffer.isBuffer(value)
      ? value
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
const text = (value: GlideString): string => (typeof value === 'string' ? value : bytes(value).toString('latin1'));

/**
 * The pub/sub side of Valkey: a GlideClusterClient of its own (a subscribed connection is not shared
 * with commands), created at the first subscribe. glide keeps the wanted subscriptions and restores
 * them after a failover or reconnect by itself, but slowly when a shard held several of them (see
 * RECONNECT_EVERY_CHECKS): the registry then has the client replaced (reconnect). Whenever a new
 * client connects, every wanted channel is subscribed again here.
 */
export class GlideUpstream implements LiveUpstream {
  private readonly connection: Connection;
  private readonly wanted = new Set<string>();
  private connectedBefore = false;
  /** The re-subscription of a new client (see connected). */
  private restoring: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: GlideUpstreamConfig,
    private readonly logger: Logger | undefined,
    private readonly events: GlideUpstreamEvents,
  ) {
    this.connection = new Connection(
      {
        nodes: config.nodes,
        requestTimeoutMs: config.requestTimeoutMs,
        connectTimeoutMs: config.connectTimeoutMs,
        inflightLimit: 1_000,
        onPubSubMessage: (message: PubSubMsg) => events.onMessage(text(message.channel), bytes(message.message)),
        label: 'live',
      },
      logger,
      () => this.connected(),
    );
  }

  async subscribe(channel: string): Promise<boolean> {
    const connected = this.connection.current !== null || (await this.connection.connect());
    this.wanted.add(channel);
    // Not connected: the connection keeps trying, and connected() asks for every wanted channel.
    if (!connected) return false;
    const wait = this.config.subscribeTimeoutMs;
    try {
      await this.connection.call((client) => client.ssubscribe(new Set([channel]), wait), wait + this.config.requestTimeoutMs);
      return true;
    } catch (err) {
      this.logger?.warn({ err: String(err), channel }, 'live: subscription not confirmed yet, retrying in the background');
      // Make sure glide wants it (its reconciliation then keeps trying).
      await this.connection.call((client) => client.ssubscribeLazy([channel])).catch(() => undefined);
      return false;
    }
  }

  async unsubscribe(channel: string): Promise<void> {
    this.wanted.delete(channel);
    if (!this.connection.current) return;
    const wait = this.config.subscribeTimeoutMs;
    try {
      await this.connection.call((client) => client.sunsubscribe(new Set([channel]), wait), wait + this.config.requestTimeoutMs);
    } catch (err) {
      this.logger?.debug({ err: String(err), channel }, 'live: unsubscribe not confirmed, leaving it to glide');
      await this.connection.call((client) => client.sunsubscribeLazy([channel])).catch(() => undefined);
    }
  }

  async reconnect(): Promise<void> {
    this.connection.recreate();
    if (await this.connection.connect()) await this.restoring;
  }

  async actual(): Promise<ReadonlySet<string> | undefined> {
    if (!this.connection.current) return undefined;
    const state = await this.connection.call((client) => client.getSubscriptions());
    return new Set([...(state.actualSubscriptions[SHARDED] ?? [])].map(text));
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private connected(): void {
    if (this.connectedBefore) this.events.onReplaced();
    this.connectedBefore = true;
    this.restoring = this.subscribeAll([...this.wanted]);
  }

  /**
   * Every wanted channel on a new client, one confirmed SSUBSCRIBE at a time (channels of different
   * slots in one command are refused). After a first one that is not confirmed, the rest are only
   * requested: the watcher notices what is still missing.
   */
  private async subscribeAll(channels: string[]): Promise<void> {
    let confirming = true;
    for (const channel of channels) {
      if (!this.wanted.has(channel)) continue;
      if (confirming) confirming = await this.subscribe(channel);
      else await this.connection.call((client) => client.ssubscribeLazy([channel])).catch(() => undefined);
    }
  }
}
