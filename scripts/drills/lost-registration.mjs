// Drill: an instance that etcd no longer lists. The user service is healthy and serving, but its
// registration goes: (A) its key is deleted by hand, (B) its lease is revoked, (C) its link to
// etcd is cut for longer than the lease TTL (3 s here), so the lease expires. A prober sends
// GET /api/v1/users/:id every 100 ms throughout. For each: how long the key was gone, what
// `surge ps`, the gateway's /healthz, surge_registry_instances and the callers saw, and how the
// instance came back (packages/kit/discovery/etcd-session.ts puts its keys back by itself).
//   node scripts/drills/lost-registration.mjs
import { startLatencyProxy } from './latency-proxy.mjs';
import { scrape, sum } from './prom.mjs';
import { say, show, step, table } from './report.mjs';
import { sleep, waitFor, withStack } from './stack.mjs';

const TTL_SECONDS = 3;
const CUT_MS = 7000;

await withStack({ services: {}, gatewayEnv: { SURGE__http__faces: '["users"]' } }, async (stack) => {
  const g = stack.gateway;
  const etcdUrl = stack.etcd.url;
  step('Setup');
  // The user service reaches etcd through a proxy the drill can cut; the gateway reaches it directly.
  const [host, port] = stack.etcd.endpoint.split(':');
  const link = await startLatencyProxy({ target: { host, port: Number(port) } });
  stack.defer(() => link.close());
  const user = await stack.startService('user', { SURGE__registry__etcd__hosts: JSON.stringify([`127.0.0.1:${link.port}`]) });
  const key = `/surge/services/user/${user.id}`;
  show(`user instance ${user.id} (pid ${user.pid}) talks to etcd ${stack.etcd.endpoint} through 127.0.0.1:${link.port}; lease TTL ${TTL_SECONDS} s`);
  show(`its key: ${key}`);
  const reg = await fetch(`${g.base}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `reg${stack.tag}`, password: 'secret123' }) });
  const { id } = await reg.json();

  // etcd's JSON gateway (v3 API over HTTP): keys and values in base64.
  const b64 = (s) => Buffer.from(s).toString('base64');
  const etcd = async (path, body) => (await fetch(`${etcdUrl}/v3/${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(2000) })).json();
  const current = async () => (await etcd('kv/range', { key: b64(key) })).kvs?.[0];

  // The prober: one call every 100 ms; each answer's time and status, and the first 503 body seen.
  const probes = [];
  let probing = true;
  let sample503;
  const prober = (async () => {
    while (probing) {
      const t = performance.now();
      const res = await fetch(`${g.base}/api/v1/users/${id}`, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
      const status = res?.status ?? 0;
      const body = res ? await res.text() : '';
      if (status === 503 && !sample503) sample503 = body;
      probes.push({ t, status });
      await sleep(100);
    }
  })();
  const statusesSince = (t0) => {
    const seen = {};
    for (const p of probes.filter((p) => p.t >= t0)) seen[p.status] = (seen[p.status] ?? 0) + 1;
    return JSON.stringify(seen);
  };
  const instancesSeen = async () => sum(await scrape(g.metricsUrl), 'surge_registry_instances', { target: 'user' });
  const health = async (url) => {
    const res = await fetch(url);
    return `${res.status} ${await res.text()}`;
  };

  /** Polls the key every 20 ms from t0 until it is back (with a lease other than `oldLease` when given); ms gone. */
  const timeAbsence = async (t0) => {
    let goneAt;
    const until = Date.now() + 30_000;
    for (;;) {
      const kv = await current().catch(() => undefined);
      if (!kv && goneAt === undefined) goneAt = performance.now();
      if (kv && goneAt !== undefined) return { goneMs: performance.now() - goneAt, backAfterMs: performance.now() - t0, lease: kv.lease };
      if (kv && goneAt === undefined && performance.now() - t0 > 2000) return { goneMs: 0, backAfterMs: 0, lease: kv.lease }; // never seen gone
      if (Date.now() > until) throw new Error('the key did not come back within 30 s');
      await sleep(20);
    }
  };

  step('Before');
  show('$ surge ps');
  show(await stack.ps());
  show(`gateway /healthz: ${await health(g.healthUrl)}`);
  show(`gateway surge_registry_instances{target="user"} ${await instancesSeen()}`);
  const first = await current();
  show(`etcd: ${key} on lease ${first.lease}`);

  step('A. The key is deleted by hand (etcdctl del <key>; here the JSON API\'s kv/deleterange)');
  const tA = performance.now();
  await etcd('kv/deleterange', { key: b64(key) });
  const a = await timeAbsence(tA);
  await sleep(500);
  show(`the key was back ${Math.round(a.backAfterMs)} ms after the delete, on the same lease (${a.lease}): the instance\'s session watches its own`);
  show(`key, saw the delete and wrote it again. Prober statuses meanwhile: ${statusesSince(tA)}`);

  step('B. Its lease is revoked (etcdctl lease revoke <id>): every key on it goes at once');
  const tB = performance.now();
  await etcd('lease/revoke', { ID: a.lease });
  const b = await timeAbsence(tB);
  await sleep(500);
  show(`the key was back ${Math.round(b.backAfterMs)} ms later on a new lease (${b.lease}): the write on the old lease failed as`);
  show(`"lease not found", the session took a new lease and wrote every key on it. Prober statuses: ${statusesSince(tB)}`);

  step(`C. The instance's link to etcd is cut for ${CUT_MS / 1000} s (longer than the ${TTL_SECONDS} s lease): the instance keeps serving, etcd forgets it`);
  const tC = performance.now();
  link.cut();
  await waitFor('the lease to run out', async () => !(await current()), 10_000, 50);
  const goneAt = performance.now();
  show(`${((goneAt - tC) / 1000).toFixed(1)} s after the cut the key is gone (the lease ran out). Now:`);
  await sleep(500);
  say();
  show('$ surge ps');
  show(await stack.ps());
  say();
  show(`gateway /healthz: ${await health(g.healthUrl)}`);
  show(`gateway surge_registry_instances{target="user"} ${await instancesSeen()}`);
  show(`the user instance's own /healthz: ${await health(user.healthUrl)}`);
  const during = await fetch(`${g.base}/api/v1/users/${id}`);
  show(`GET /api/v1/users/${id} → ${during.status} ${await during.text()}`);
  const remaining = CUT_MS - (performance.now() - tC);
  if (remaining > 0) await sleep(remaining);
  const tRestore = performance.now();
  link.restore();
  show(`link restored after ${((tRestore - tC) / 1000).toFixed(1)} s`);
  const back = await waitFor('the key to come back', async () => current(), 60_000, 50);
  const backAt = performance.now();
  await waitFor('the gateway to see the instance', async () => (await instancesSeen()) === 1, 10_000);
  const seenAt = performance.now();
  await sleep(500);
  probing = false;
  await prober;
  show(`re-registered ${Math.round(backAt - tRestore)} ms after the link came back (lease ${back.lease}); the gateway listed it again ${Math.round(seenAt - backAt)} ms later`);
  say();
  show('$ surge ps');
  show(await stack.ps());

  step('What the callers saw in C (the prober, one GET every 100 ms)');
  const inC = probes.filter((p) => p.t >= tC);
  const failed = inC.filter((p) => p.status !== 200);
  table([
    ['', 'value'],
    ['statuses', statusesSince(tC)],
    ['first failure', failed.length ? `${((failed[0].t - tC) / 1000).toFixed(1)} s after the cut` : '(none)'],
    ['last failure', failed.length ? `${((failed[failed.length - 1].t - tRestore) / 1000).toFixed(1)} s after the link came back` : '(none)'],
    ['a 503 body', sample503 ?? '(none)'],
  ]);

  step('Reading it');
  show('- A deleted key or a revoked lease heals by itself within moments: the instance\'s session watches its keys');
  show('  and its lease, and writes them again (on a new lease when needed). Callers saw nothing or a blip.');
  show('- A registration lost to a cut between the instance and etcd lasts as long as the cut: the instance still');
  show('  serves, but no caller finds it. The signs: `surge ps` without it, the gateway\'s /healthz naming the');
  show('  service with no instance, surge_registry_instances{target=...} at 0 on every caller, 503 Unavailable');
  show('  naming the service, and on the instance itself an /healthz that fails on etcd.');
  show('- It comes back once the link does, with no restart: the session\'s keep-alive learns the lease is gone,');
  show('  takes a new one and writes its keys again; the callers\' watches pick it up.');
  show('- Fix the link (network, etcd load, the instance\'s etcd.hosts); a restart is not needed and would not help.');
});
