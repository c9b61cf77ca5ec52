// A PRIVATE 6-node Valkey cluster for tests that stop, kill or restart nodes (scripts/services.sh
// valkey-up|valkey-down with VALKEY_PORT_BASE), so the shared cluster at 7000 is never touched; and
// the CLUSTER NODES lookups those tests use to find a key's primary and its replica.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GlideClusterClient, InfoOptions } from '@valkey/valkey-glide';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface PrivateCluster {
  base: number;
  /** Seed addresses (the first three ports). */
  nodes: { host: string; port: number }[];
  services(cmd: 'valkey-up' | 'valkey-down'): void;
  /** cluster_state:ok is not enough to survive a kill: every node answers and each replica finished its first sync. */
  replicasSynced(): Promise<boolean>;
}

export function privateCluster(base: number): PrivateCluster {
  const nodes = [0, 1, 2].map((i) => ({ host: '127.0.0.1', port: base + i }));
  const env = { ...process.env, VALKEY_PORT_BASE: String(base) };
  return {
    base,
    nodes,
    services(cmd) {
      execFileSync('bash', ['scripts/services.sh', cmd], { cwd: REPO_ROOT, env, stdio: 'ignore', timeout: 60_000 });
    },
    // A fresh client each time: one made right after the cluster was created may not know the replicas yet.
    async replicasSynced() {
      const probe = await GlideClusterClient.createClient({ addresses: nodes, requestTimeout: 1000 });
      try {
        const info = (await probe.info({ sections: [InfoOptions.Replication], route: 'allNodes' })) as Record<string, string>;
        const texts = Object.values(info);
        const replicas = texts.filter((t) => /role:slave/.test(t));
        return texts.length === 6 && replicas.length === 3 && replicas.every((t) => /master_link_status:up/.test(t));
      } catch {
        return false;
      } finally {
        probe.close();
      }
    },
  };
}

/** The node lines of CLUSTER NODES, split into fields. */
async function clusterNodes(raw: GlideClusterClient): Promise<string[][]> {
  const text = String(await raw.customCommand(['CLUSTER', 'NODES'], { route: 'randomNode' }));
  return text
    .trim()
    .split('\n')
    .map((l) => l.split(' '));
}

function inRange(range: string, slot: number): boolean {
  const [from, to] = range.split('-').map(Number);
  return slot >= from! && slot <= (to ?? from)!;
}

/** The CLUSTER NODES line of the primary that serves `key`'s slot. */
export async function primaryOf(raw: GlideClusterClient, key: string): Promise<string[]> {
  const slot = Number(await raw.customCommand(['CLUSTER', 'KEYSLOT', key]));
  const primary = (await clusterNodes(raw)).find((f) => f[2]!.includes('master') && f.slice(8).some((r) => inRange(r, slot)));
  if (!primary) throw new Error(`no primary serves slot ${slot}`);
  return primary;
}

/** The pid of the replica of the primary that holds `key`'s slot. */
export async function replicaPidOf(raw: GlideClusterClient, key: string): Promise<number> {
  const primary = await primaryOf(raw, key);
  const replica = (await clusterNodes(raw)).find((f) => f[3] === primary[0]);
  if (!replica) throw new Error(`primary ${primary[1]} has no replica`);
  const port = Number(replica[1]!.split(':')[1]!.split('@')[0]);
  const info = String(await raw.info({ sections: [InfoOptions.Server], route: { type: 'routeByAddress', host: '127.0.0.1', port } }));
  return Number(/process_id:(\d+)/.exec(info)![1]);
}
