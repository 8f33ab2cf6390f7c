// A users-only edge, as separate processes: one user-service instance and a gateway started with
// http.faces ["users"], found through a test-owned etcd. No other service runs, yet the gateway is
// healthy (it watches and reports on the user service alone), serves the user API and answers 404
// under /douyin/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterServersReady, startCluster, type Cluster } from './cluster.js';

const ready = await clusterServersReady();

describe.skipIf(!ready)('distributed: a gateway serving only the users face', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ users: 1, env: { SURGE__http__faces: '["users"]' } });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('is healthy with only the user service registered, serves /api/v1/users and 404s /douyin/', async () => {
    const health = await fetch(`${cluster.base}/healthz`);
    const report = (await health.json()) as { status: string; checks: Record<string, unknown> };
    expect(health.status, JSON.stringify(report)).toBe(200);
    expect(Object.keys(report.checks).filter((name) => name.endsWith(' service'))).toEqual(['user service']);

    const id = await cluster.registerUser(`faces${cluster.tag}`);
    const user = (await (await fetch(`${cluster.base}/api/v1/users/${id}`)).json()) as { username: string };
    expect(user.username).toBe(`faces${cluster.tag}`);
    expect((await fetch(`${cluster.base}/douyin/feed/`)).status).toBe(404);
  });
});
