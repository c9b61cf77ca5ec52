import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GlideString } from '@valkey/valkey-glide';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { GuardedCall } from './guarded-call.ts';
import { seriesTag, type KeyBuilder, type SeriesRef } from './keys.ts';
import { namespaceTag } from './namespace-versions.ts';
import { GlideUpstream } from './live-upstream.ts';
import { PendingAcks } from './near-cache-acks.ts';
import { ALL_VERSIONS, decodeAck, decodeAnnouncement, encodeAck, encodeAnnouncement, leaseOf, memberName } from './near-cache-message.ts';
import { NearCacheMetrics, type NearCacheCounts } from './near-cache-metrics.ts';
import { NEAR_ANNOUNCE, NEAR_FENCE, NEAR_LEASE } from './near-cache-scripts.ts';
import { leaseMargin, Standing } from './near-cache-standing.ts';
import type { NearCache, NearCacheJoinOptions } from './near-cache-types.ts';
import { NearVersions, type VersionTicket } from './near-cache-versions.ts';
import { replicated } from './replication.ts';
import type { CacheVersion } from './types.ts';

export interface NearCacheConfig {
  nodes: { host: string; port: number }[];
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  subscribeTimeoutMs: number;
  /** WAIT's timeout for membership writes to reach a replica (replication.ts). */
  replicaWaitMs: number;
  /** How long a write waits for a member's ack before fencing it. */
  ackTimeoutMs: number;
  /** The lease assumed for members a write could not even list (Valkey unreachable): the most any member uses. */
  maxLeaseMs: number;
}

export interface NearCacheDeps {
  keys: KeyBuilder;
  valkey: GuardedCall;
  registry: Registry | undefined;
  logger: Logger | undefined;
}

export const DEFAULT_LEASE_MS = 2_000;
export const DEFAULT_ACK_TIMEOUT_MS = 250;
/** The longest lease a member may hold: what a write that cannot list the members waits. */
export const MAX_LEASE_MS = 2_000;
const MIN_LEASE_MS = 200;
/** Subscription checks that may find the bus channel missing before the pub/sub client is replaced. */
const RECONNECT_AFTER_CHECKS = 4;

const text = (v: GlideString): string => (typeof v === 'string' ? v : Buffer.from(v).toString('latin1'));

/**
 * The near-cache bus (issue 15's L1 without a Valkey read per hit). Writers: after a
 * version-publishing write landed (and reached a replica), `published` announces the ids it moved
 * and waits until every live member acked; a member that does not ack in time is fenced (removed
 * from the set) and the write waits out its lease before it returns, so its standing has ended by
 * then. Members: subscribe first, then join; renew every lease/4; on an announcement drop the ids'
 * versions, then ack. In standing, the local versions stand in for Valkey's (see Standing for when
 * that is).
 */
export class NearCacheBus implements NearCache {
  readonly processId = randomBytes(9).toString('base64url');
  private readonly versions = new NearVersions();
  private readonly acks = new PendingAcks();
  private readonly metrics: NearCacheMetrics;
  private readonly membersKey: string;
  private readonly busChannel: string;
  private readonly ackChannel: string;
  private upstream: GlideUpstream | null = null;
  private ackSubscribed = false;
  private standing: Standing | null = null;
  private member: string | null = null;
  private leaseMs = DEFAULT_LEASE_MS;
  private writeSeq = 0;
  private timer: NodeJS.Timeout | null = null;
  private renewing = false;
  private missingChecks = 0;
  private dropping = false;
  private closed = false;

  constructor(
    private readonly config: NearCacheConfig,
    private readonly deps: NearCacheDeps,
  ) {
    const base = `${deps.keys.prefix}:{near}:`;
    this.membersKey = `${base}members`;
    this.busChannel = `${base}bus`;
    this.ackChannel = `${base}ack:${this.processId}`;
    this.metrics = new NearCacheMetrics(deps.registry, () => (this.standing ? (this.standing.isGood() ? 1 : 0) : null));
  }

  versionIdOf(series: SeriesRef): string {
    return seriesTag(series);
  }

  namespaceVersionIdOf(namespace: string): string {
    return namespaceTag(this.deps.keys, namespace);
  }

  get joined(): boolean {
    return this.standing !== null;
  }

  inStanding(): boolean {
    return this.standing?.isGood() ?? false;
  }

  version(id: string): CacheVersion | undefined {
    return this.standing?.isGood() ? this.versions.get(id) : undefined;
  }

  ticket(id: string): VersionTicket | null {
    return this.standing?.isGood() ? this.versions.ticket(id) : null;
  }

  remember(id: string, version: CacheVersion, ticket: VersionTicket | null): void {
    if (ticket && this.standing?.isGood()) this.versions.remember(id, version, ticket);
  }

  counts(): NearCacheCounts & { standing: boolean | null } {
    return { ...this.metrics.counts, standing: this.standing ? this.standing.isGood() : null };
  }

  dropMessages(on: boolean): void {
    this.dropping = on;
  }

  async join(options: NearCacheJoinOptions = {}): Promise<boolean> {
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    if (!Number.isInteger(leaseMs) || leaseMs < MIN_LEASE_MS || leaseMs > this.config.maxLeaseMs)
      throw new RangeError(`near cache: leaseMs must be an integer in [${MIN_LEASE_MS}, ${this.config.maxLeaseMs}]`);
    if (this.standing) return this.standing.isGood();
    this.leaseMs = leaseMs;
    this.member = memberName(this.processId, leaseMs);
    this.standing = new Standing(
      leaseMs,
      leaseMargin(leaseMs),
      () => performance.now(),
      (good) => {
        // Lost or regained: whatever was kept may predate an announcement this process did not get.
        this.versions.clear();
        this.metrics.standing(good);
        this.deps.logger?.[good ? 'info' : 'warn']({ member: this.member }, `near cache: standing ${good ? 'good' : 'lost'}`);
      },
    );
    // Subscribe FIRST, then join: every announcement that lists this member reaches it.
    this.standing.subscription(await this.ensureUpstream().subscribe(this.busChannel));
    await this.renew('join');
    this.startTimer(Math.max(50, Math.floor(leaseMs / 4)));
    return this.standing.isGood();
  }

  /**
   * After a version-publishing write landed: this process drops the ids at once, then every live
   * member must ack the announcement; one that does not is fenced and its lease waited out.
   */
  async published(ids: string[], alsoWaitFor: readonly string[] = []): Promise<void> {
    if (this.closed) return;
    const all = ids.includes(ALL_VERSIONS);
    if (all) this.versions.clear();
    else for (const id of ids) this.versions.invalidate(id);
    const started = performance.now();
    const writeId = ++this.writeSeq;
    const message = encodeAnnouncement({ writer: this.processId, writeId, ids: all ? [ALL_VERSIONS] : ids });
    this.acks.open(writeId);
    try {
      const others = (listed: string[]) => [...new Set([...listed, ...alsoWaitFor.filter((m) => m !== this.member)])];
      let listed = await this.announce(message);
      if (listed === null) return await this.unreachable();
      let members = others(listed);
      if (members.length > 0 && !this.ackSubscribed) {
        // The first write that finds members: listen for acks, then say it again (acks of the first went nowhere).
        await this.subscribeAcks();
        listed = await this.announce(message);
        if (listed === null) return await this.unreachable();
        members = others(listed);
      }
      this.metrics.announced(members.length);
      const missing = await this.acks.wait(writeId, members, this.config.ackTimeoutMs);
      for (let i = 0; i < members.length - missing.length; i++) this.metrics.acked();
      if (missing.length > 0) await this.fence(missing);
    } finally {
      this.acks.close(writeId);
      this.metrics.ackWait(performance.now() - started);
    }
  }

  /**
   * Drops ids from this process's map only, announcing nothing: a write of this process that did not
   * land (a bump kept pending) must not leave its own map answering the version before it, while
   * readVersion here answers nothing for it. The prober announces it to everyone once it lands.
   */
  forgetLocally(ids: string[]): void {
    for (const id of ids) this.versions.invalidate(id);
  }

  /** The live members now (a clear removes the set: it still waits for those). */
  async liveMembers(): Promise<string[]> {
    const reply = await this.deps.valkey.run('near_members', (c) =>
      c.customCommand(['ZRANGEBYSCORE', this.membersKey, String(Date.now() - 1_000), '+inf']),
    );
    return reply.ok ? (reply.value as GlideString[]).map(text) : [];
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.standing?.leave();
    if (this.member) {
      const member = this.member;
      await this.deps.valkey.run('near_leave', (c) => c.zrem(this.membersKey, [member])).catch(() => undefined);
    }
    await this.upstream?.close();
  }

  /** The live members other than this process, after publishing; null when Valkey could not take it. */
  private async announce(message: string): Promise<string[] | null> {
    const reply = await this.deps.valkey.run('near_announce', (c) =>
      c.invokeScript(NEAR_ANNOUNCE, { keys: [this.membersKey], args: [this.busChannel, message] }),
    );
    if (!reply.ok) return null;
    return (reply.value as GlideString[]).map(text).filter((m) => m !== this.member);
  }

  /** Members we could not even list may be anywhere in their lease: wait out the longest. */
  private async unreachable(): Promise<void> {
    this.deps.logger?.warn('near cache: announcement not taken, waiting out every lease');
    await sleep(this.config.maxLeaseMs);
  }

  private async fence(missing: string[]): Promise<void> {
    const reply = await this.deps.valkey.run('near_fence', async (c) => {
      const [removed, replicas] = (await c.invokeScript(NEAR_FENCE, { keys: [this.membersKey], args: missing })) as [number, number];
      return { removed, durable: await replicated(c, this.membersKey, replicas, this.config.replicaWaitMs) };
    });
    this.metrics.fenced(missing.length);
    this.deps.logger?.warn({ missing, removed: reply.ok ? reply.value.removed : null }, 'near cache: members fenced (no ack)');
    // Counted from the ZREM's answer: every renewal that extended them was sent before it.
    const lease = Math.max(...missing.map((m) => leaseOf(m) ?? this.config.maxLeaseMs));
    await sleep(reply.ok ? lease : this.config.maxLeaseMs);
    if (!this.ackSubscribed || !(await this.upstream?.actual())?.has(this.ackChannel)) await this.subscribeAcks();
  }

  private ensureUpstream(): GlideUpstream {
    this.upstream ??= new GlideUpstream(
      {
        nodes: this.config.nodes,
        requestTimeoutMs: this.config.requestTimeoutMs,
        connectTimeoutMs: this.config.connectTimeoutMs,
        subscribeTimeoutMs: this.config.subscribeTimeoutMs,
      },
      this.deps.logger,
      {
        onMessage: (channel, message) => this.onMessage(channel, message),
        // A new pub/sub client: what the old one lost is unknown.
        onReplaced: () => this.standing?.subscription(false),
      },
    );
    return this.upstream;
  }

  private async subscribeAcks(): Promise<void> {
    this.ackSubscribed = await this.ensureUpstream().subscribe(this.ackChannel);
    if (!this.timer) this.startTimer(Math.max(50, Math.floor(this.leaseMs / 4)));
  }

  private onMessage(channel: string, message: Buffer): void {
    if (this.dropping) return;
    const body = message.toString('latin1');
    if (channel === this.ackChannel) {
      const ack = decodeAck(body);
      if (ack) this.acks.ack(ack.writeId, ack.member);
      return;
    }
    if (channel !== this.busChannel) return;
    const a = decodeAnnouncement(body);
    if (!a || a.writer === this.processId) return;
    if (a.ids.includes(ALL_VERSIONS)) this.versions.clear();
    else for (const id of a.ids) this.versions.invalidate(id);
    // Applied, then acked: once the writer has every ack, no member here answers the old version.
    if (!this.member) return;
    const ack = encodeAck({ member: this.member, writeId: a.writeId });
    const to = `${this.deps.keys.prefix}:{near}:ack:${a.writer}`;
    void this.deps.valkey.run('near_ack', (c) => c.publish(ack, to, true));
  }

  private startTimer(everyMs: number): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.closed || this.renewing) return;
    this.renewing = true;
    try {
      await this.checkSubscriptions();
      if (this.standing) await this.renew('renew');
    } catch (err) {
      this.deps.logger?.warn({ err: String(err) }, 'near cache: renewal failed');
    } finally {
      this.renewing = false;
    }
  }

  private async checkSubscriptions(): Promise<void> {
    const upstream = this.upstream;
    if (!upstream) return;
    const actual = await upstream.actual().catch(() => undefined);
    const wanted = [...(this.standing ? [this.busChannel] : []), ...(this.ackSubscribed ? [this.ackChannel] : [])];
    const missing = wanted.filter((c) => !actual?.has(c));
    if (this.standing) this.standing.subscription(actual?.has(this.busChannel) ?? false);
    if (missing.length === 0) return void (this.missingChecks = 0);
    if (++this.missingChecks >= RECONNECT_AFTER_CHECKS) {
      this.missingChecks = 0;
      await upstream.reconnect();
    } else for (const c of missing) await upstream.subscribe(c);
    if (this.standing) this.standing.subscription((await upstream.actual().catch(() => undefined))?.has(this.busChannel) ?? false);
  }

  private async renew(mode: 'join' | 'renew'): Promise<void> {
    const standing = this.standing;
    const member = this.member;
    if (!standing || !member) return;
    const sentAt = performance.now();
    const reply = await this.deps.valkey.run('near_lease', async (c) => {
      const [extended, replicas] = (await c.invokeScript(NEAR_LEASE, {
        keys: [this.membersKey],
        args: [member, String(this.leaseMs), mode],
      })) as [number, number];
      return { extended: extended === 1, durable: await replicated(c, this.membersKey, replicas, this.config.replicaWaitMs) };
    });
    // Unanswered or not on a replica: the deadline stays where it was, and passes.
    if (!reply.ok) return;
    if (!reply.value.extended) {
      this.metrics.fencedSelf();
      standing.fenced();
      return this.renew('join');
    }
    if (reply.value.durable) standing.renewed(sentAt);
  }
}
