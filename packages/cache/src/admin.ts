import { Decoder, InfoOptions } from '@valkey/valkey-glide';
import type { CircuitBreaker } from './breaker.ts';
import type { Connection } from './connection.ts';
import { parseInfo, type CacheStats, type NodeStats, type StatsRecorder } from './stats.ts';
import type { LiveStats } from './live-types.ts';
import type { ClearResult, HealthNode } from './types.ts';

export interface ClusterAdminDeps {
  connection: Connection;
  breaker: CircuitBreaker;
  stats: StatsRecorder;
  prefix: string;
  /** After a clear nobody may join a flight that started before it. */
  forgetAllFlights: () => void;
  liveStats: () => LiveStats;
}

interface ClusterNode {
  host: string;
  port: number;
  address: string;
  role: 'primary' | 'replica';
  failed: boolean;
}

const ADMIN_TIMEOUT_MS = 2_000;
const CLEAR_MAX_KEYS_PER_NODE = 1_000_000;

/**
 * Cluster-wide admin: clear, health, stats. These calls bypass the breaker and Wick's queue on
 * purpose (they must report on a sick cluster, and they are few: one per node), so they stay inside
 * the headroom between maxConcurrentCalls and glide's inflight cap.
 */
export class ClusterAdmin {
  constructor(private readonly deps: ClusterAdminDeps) {}

  /** Per primary: SCAN our prefix, UNLINK in batches. Bounded per node; never touches other prefixes. */
  async clear(): Promise<ClearResult> {
    const { connection, prefix } = this.deps;
    const byNode: Record<string, number> = {};
    let removed = 0;
    const primaries = (await this.clusterNodes()).filter((node) => node.role === 'primary' && !node.failed);
    for (const node of primaries) {
      const route = { type: 'routeByAddress' as const, host: node.host, port: node.port };
      let cursor = '0';
      let count = 0;
      do {
        const [next, keys] = (await connection.call(
          (client) => client.customCommand(['SCAN', cursor, 'MATCH', `${prefix}:*`, 'COUNT', '1000'], { route, decoder: Decoder.Bytes }),
          ADMIN_TIMEOUT_MS,
        )) as [Buffer, Buffer[]];
        cursor = next.toString();
        if (keys.length) count += await connection.call((client) => client.unlink(keys), ADMIN_TIMEOUT_MS);
      } while (cursor !== '0' && count < CLEAR_MAX_KEYS_PER_NODE);
      byNode[node.address] = count;
      removed += count;
    }
    this.deps.forgetAllFlights();
    return { removed, byNode };
  }

  async health(): Promise<{ ok: boolean; nodes: HealthNode[] }> {
    const { connection } = this.deps;
    if (!connection.current) return { ok: false, nodes: [] };
    let cluster: ClusterNode[];
    try {
      cluster = await this.clusterNodes();
    } catch {
      return { ok: false, nodes: [] };
    }
    const nodes = await Promise.all(
      cluster.map(async (node): Promise<HealthNode> => {
        const pingedAt = performance.now();
        try {
          await connection.call(
            (client) => client.ping({ route: { type: 'routeByAddress', host: node.host, port: node.port } }),
            ADMIN_TIMEOUT_MS,
          );
          return { address: node.address, role: node.role, ok: !node.failed, latencyMs: performance.now() - pingedAt };
        } catch {
          return { address: node.address, role: node.role, ok: false, latencyMs: performance.now() - pingedAt };
        }
      }),
    );
    const primaries = nodes.filter((node) => node.role === 'primary');
    return { ok: primaries.length > 0 && primaries.every((node) => node.ok), nodes };
  }

  async stats(): Promise<CacheStats> {
    const { connection, breaker, stats } = this.deps;
    let nodes: NodeStats[] = [];
    if (connection.current && breaker.state === 'closed') nodes = await this.nodeStats().catch(() => []);
    return {
      ...stats.counters,
      breaker: breaker.state,
      connected: connection.current !== null,
      latencyMs: stats.percentiles(),
      nodes,
      live: this.deps.liveStats(),
    };
  }

  /** INFO of every node (the stats and the Prometheus node gauges). */
  async nodeStats(): Promise<NodeStats[]> {
    const info = (await this.deps.connection.call(
      (client) =>
        client.info({
          sections: [InfoOptions.Memory, InfoOptions.Stats, InfoOptions.Keyspace, InfoOptions.Replication],
          route: 'allNodes',
        }),
      ADMIN_TIMEOUT_MS,
    )) as string | Record<string, string>;
    const byNode = typeof info === 'string' ? { unknown: info } : info;
    return Object.entries(byNode)
      .map(([address, text]) => parseInfo(address, text))
      .sort((a, b) => a.address.localeCompare(b.address));
  }

  private async clusterNodes(): Promise<ClusterNode[]> {
    const text = (await this.deps.connection.call(
      (client) => client.customCommand(['CLUSTER', 'NODES'], { route: 'randomNode', decoder: Decoder.String }),
      ADMIN_TIMEOUT_MS,
    )) as string;
    const out: ClusterNode[] = [];
    for (const line of text.split('\n')) {
      const fields = line.trim().split(' ');
      if (fields.length < 8) continue;
      const address = fields[1]!.split('@')[0]!;
      const portAt = address.lastIndexOf(':');
      const flags = fields[2]!.split(',');
      if (flags.includes('noaddr') || flags.includes('handshake')) continue;
      out.push({
        host: address.slice(0, portAt),
        port: Number(address.slice(portAt + 1)),
        address,
        role: flags.includes('master') ? 'primary' : 'replica',
        failed: flags.includes('fail') || flags.includes('fail?'),
      });
    }
    return out.sort((a, b) => a.address.localeCompare(b.address));
  }
}
