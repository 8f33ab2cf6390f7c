// Faults of the distributed system, each under a steady stream of GET /api/v1/users/:id through
// the gateway (separate processes, a test-owned etcd, the real MariaDB/Redis/NATS):
// - etcd stopped for 10 s: calls keep succeeding on the known instances, and every instance is
//   registered again once etcd is back;
// - an instance killed with SIGKILL: failures only at the moment of the kill, none once the
//   gateway has dropped it (its connections close at once; the registry keeps it until the lease expires);
// - a slow instance (rpc.injectDelayMs): p2c sends it little, so the p99 of all calls stays
//   within twice the p99 measured with only the fast instance.
// The tests share one cluster and run in this order (2, 2, then 1 instance); each first scales to
// what it needs, so one still runs alone. Last, in one process on a manual clock: the remote
// client's retry, which kill -9 rarely reaches (its breakers do not open for a handful of failures).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { createMemoryRegistry } from '#kit/discovery';
import { Code, errors, SurgeError } from '#kit/errors';
import { createLogger, createMetrics } from '#kit/observability';
import { RpcServer, startFramedServer, type ServiceImpl } from '#kit/rpc';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { remoteClient } from '#kit/remote';
import { clusterServersReady, quantile, servedProfileReads, sleep, startCluster, startLoad, type CallRecord, type Cluster } from './cluster.js';

const ready = await clusterServersReady();

const failed = (calls: CallRecord[]) => calls.filter((c) => c.status !== 200);
const describeFailures = (calls: CallRecord[], origin = 0) => calls.map((c) => `+${Math.round(c.endedAt - origin)} ms: ${c.status} ${c.error.slice(0, 200)}`);
const sorted = (pids: number[]) => [...pids].sort((a, b) => a - b);

describe.skipIf(!ready)('distributed faults', () => {
  let cluster: Cluster;
  let userId: number;
  const url = () => `${cluster.base}/api/v1/users/${userId}`;
  const running = () => sorted(cluster.users().map((u) => u.pid));

  /** Starts or stops (gracefully) user instances until n run. */
  const scaleTo = async (n: number) => {
    while (cluster.users().length > n) await cluster.stop(cluster.users()[0]!.proc);
    const missing = n - cluster.users().length;
    if (missing > 0) await Promise.all(Array.from({ length: missing }, () => cluster.startUser()));
  };

  /** Polls the registry until it lists exactly the running instances (bounded); the pids it listed last. */
  const untilRegisteredAreRunning = async (withinMs: number) => {
    const until = Date.now() + withinMs;
    let pids: number[] = [];
    while (Date.now() < until) {
      pids = sorted((await cluster.registered().catch(() => [])).map((i) => i.pid));
      if (JSON.stringify(pids) === JSON.stringify(running())) break;
      await sleep(200);
    }
    return pids;
  };

  beforeAll(async () => {
    cluster = await startCluster({ users: 2 });
    userId = await cluster.registerUser(`fault${cluster.tag}`);
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('keeps serving while etcd is stopped for 10 s, and every instance is registered again after', async () => {
    await scaleTo(2);
    expect(await untilRegisteredAreRunning(10_000)).toEqual(running());
    const load = startLoad(url(), 4);
    await sleep(500);
    await cluster.etcd.stop();
    await sleep(10_000);
    await cluster.etcd.start();
    const registeredAgain = await untilRegisteredAreRunning(10_000);
    await sleep(500);
    const calls = await load.stop();

    expect(describeFailures(failed(calls))).toEqual([]);
    expect(calls.length).toBeGreaterThan(200);
    expect(registeredAgain).toEqual(running());
    // And as an operator sees it.
    expect(sorted((await cluster.ps()).map((r) => r.pid))).toEqual(running());
    expect(running()).toHaveLength(2);
  }, 45_000);

  it('keeps serving through kill -9 of one of two instances: failures only at the kill, none after', async () => {
    await scaleTo(2);
    const load = startLoad(url(), 4);
    await sleep(1000);
    const victim = cluster.users()[0]!;
    const killedAt = performance.now();
    await cluster.kill(victim.proc);
    // Past the lease TTL (3 s): first the gateway alone knows the instance is dead, then the registry too.
    await sleep(4000);
    const calls = await load.stop();

    const failures = failed(calls);
    expect(describeFailures(failures.filter((c) => c.endedAt >= killedAt + 500), killedAt)).toEqual([]);
    // Only calls already on the dead instance's sockets: per loop, at most one per connection (2).
    expect(failures.length, describeFailures(failures, killedAt).join('\n')).toBeLessThanOrEqual(8);
    expect(calls.filter((c) => c.status === 200 && c.startedAt >= killedAt + 500).length).toBeGreaterThan(100);
  }, 30_000);

  it('sends little to a slow instance: p99 of all calls stays within 2x the fast instance alone', async () => {
    await scaleTo(1);
    const fast = cluster.users()[0]!;
    // Phase 1: the fast instance alone (after a warm-up) gives the reference p99.
    const warm = startLoad(url(), 4);
    await sleep(1000);
    await warm.stop();
    let load = startLoad(url(), 4);
    await sleep(4000);
    const alone = await load.stop();

    // Phase 2: a slow instance (+100 ms per call) joins; p2c should send it only its probes.
    const slow = await cluster.startUser({ SURGE__rpc__injectDelayMs: '100' });
    await sleep(500);
    const [fastBefore, slowBefore] = await Promise.all([servedProfileReads(fast.metricsUrl), servedProfileReads(slow.metricsUrl)]);
    load = startLoad(url(), 4);
    await sleep(4000);
    const both = await load.stop();
    const [fastAfter, slowAfter] = await Promise.all([servedProfileReads(fast.metricsUrl), servedProfileReads(slow.metricsUrl)]);
    const slowServed = { count: slowAfter.count - slowBefore.count, seconds: slowAfter.seconds - slowBefore.seconds };

    expect(describeFailures([...failed(alone), ...failed(both)])).toEqual([]);
    const p99Fast = quantile(alone.map((c) => c.latencyMs), 0.99);
    const p99All = quantile(both.map((c) => c.latencyMs), 0.99);
    const summary = JSON.stringify({ p99Fast, p99All, calls: both.length, fastServed: fastAfter.count - fastBefore.count, slowServed });
    // The delay is real (each call it served took ≥ 100 ms) and the balancer still probed it…
    expect(slowServed.count, summary).toBeGreaterThan(0);
    expect(slowServed.seconds / slowServed.count, summary).toBeGreaterThanOrEqual(0.1);
    // …yet sent it under 1% of the calls, so the tail is the fast instance's.
    expect(slowServed.count / both.length, summary).toBeLessThan(0.01);
    expect(p99All, summary).toBeLessThanOrEqual(2 * p99Fast);
  }, 30_000);
});

describe('remote client: a call refused before sending is tried once elsewhere, a sent call never', () => {
  it('turns A\'s open breaker into calls served by B, and runs no call twice', async () => {
    const ran = { A: [] as number[], B: [] as number[] };
    // Handlers for every method (register wants them all); only getUser is called.
    const serving = (name: 'A' | 'B') =>
      new Proxy({} as ServiceImpl<typeof UserServiceDefinition>, {
        get: () => async (req: { id: number }) => {
          ran[name].push(Number(req.id));
          if (name === 'A') throw errors.unavailable('instance A (failing on purpose)');
          return { id: req.id, username: 'b', name: '', avatar: '', signature: '', createdAt: 0, backgroundImage: '', followCount: 0, followerCount: 0, workCount: 0, favoriteCount: 0, totalFavorited: 0 };
        },
      });
    const servers = await Promise.all(
      (['A', 'B'] as const).map((n) => startFramedServer(new RpcServer().register(UserServiceDefinition, serving(n)))),
    );
    const registry = createMemoryRegistry();
    for (const [i, srv] of servers.entries()) {
      await registry.register({ service: 'user', id: `inst-${i}`, host: '127.0.0.1', framedPort: srv.port, grpcPort: 0, pid: process.pid });
    }
    // Wall time starts now, so the real server accepts the deadlines; monotonic time moves only when told.
    const clock = new ManualClock(Date.now());
    const remote = await remoteClient(UserServiceDefinition, 'user', { registry, clock, log: createLogger({ level: 'silent' }), metrics: createMetrics({ defaultMetrics: false }), timeoutMs: 2000, random: () => 0 });
    try {
      for (let waited = 0; remote.instances().length < 2 && waited < 50; waited++) await sleep(20);
      // Let both connections finish their handshakes (real sockets, no timers involved).
      await remote.client.getUser({ id: 0 }).catch(() => undefined);
      await sleep(100);
      ran.A.length = 0;
      ran.B.length = 0;

      const calls = 30;
      const seen: { id: number; code: number | 'ok' }[] = [];
      for (let id = 1; id <= calls; id++) {
        // 600 ms apart: B, the better one, was picked within p2c's 1 s forced-pick window while A
        // waited past it, so A (failing) keeps being probed, and its breaker opens.
        clock.advance(600);
        await remote.client.getUser({ id }).then(
          () => seen.push({ id, code: 'ok' }),
          (err: unknown) => seen.push({ id, code: SurgeError.from(err).code }),
        );
      }

      const ranIds = [...ran.A, ...ran.B].sort((a, b) => a - b);
      // Every call ran exactly once: none lost, none run on both instances.
      expect(ranIds).toEqual(Array.from({ length: calls }, (_, i) => i + 1));
      // Calls A ran failed to the caller as A said (sent, so never retried); the rest B served.
      expect(seen.filter((s) => s.code !== 'ok').map((s) => s.id)).toEqual(ran.A);
      expect(seen.filter((s) => s.code !== 'ok').every((s) => s.code === Code.Unavailable)).toBe(true);
      // A was probed and failed; once its breaker opened, picks of A were refused before sending
      // and went to B instead of failing with BreakerOpen: no caller saw BreakerOpen.
      expect(ran.A.length).toBeGreaterThan(0);
      expect(seen.some((s) => s.code === Code.BreakerOpen)).toBe(false);
      expect(ran.B.length).toBeGreaterThanOrEqual(10);
    } finally {
      await remote.close();
      await Promise.all(servers.map((srv) => srv.close({ drainMs: 0 })));
      await registry.close();
    }
  }, 20_000);
});
