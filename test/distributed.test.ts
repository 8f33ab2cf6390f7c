// The system as separate processes, as `npm run up` runs it: two user-service instances and the
// gateway, each its own Node process from dist/, found through a test-owned etcd, on the real
// MariaDB, Redis and NATS. Proves the life cycle: register after listen, `surge ps`, and a
// graceful restart of one instance under a stream of calls with zero failed calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterServersReady, sleep, startCluster, startLoad, type Cluster } from './cluster.js';

const ready = await clusterServersReady();

describe.skipIf(!ready)('distributed: separate processes through etcd', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ users: 2 });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('serves the API through the gateway and lists the instances with surge ps --json', async () => {
    const id = await cluster.registerUser(`dist${cluster.tag}`);
    const user = (await (await fetch(`${cluster.base}/api/v1/users/${id}`)).json()) as { username: string };
    expect(user.username).toBe(`dist${cluster.tag}`);

    const listed = (await cluster.ps()) as unknown as Record<string, unknown>[];
    expect(listed).toHaveLength(2);
    for (const row of listed) {
      expect(Object.keys(row).sort()).toEqual(['framedPort', 'grpcPort', 'host', 'id', 'pid', 'service']);
      expect(row.service).toBe('user');
      expect(cluster.users().map((u) => u.pid)).toContain(row.pid);
    }
  });

  it('restarts one instance gracefully under a stream of calls with zero failed calls', async () => {
    const id = await cluster.registerUser(`roll${cluster.tag}`);
    const load = startLoad(`${cluster.base}/api/v1/users/${id}`, 4);
    await sleep(500);
    const listed = await cluster.ps();
    const victim = cluster.users().find((u) => u.pid === listed[0]!.pid)!;
    await cluster.stop(victim.proc);
    await cluster.startUser();
    await sleep(1000);
    const calls = await load.stop();
    expect(calls.filter((c) => c.status !== 200).map((c) => `${c.status} ${c.error}`)).toEqual([]);
    expect(calls.length).toBeGreaterThan(100);
  }, 60_000);
});
