// Drill: memory that grows. The method for a leak: two heap snapshots of the live process (SIGUSR2
// writes one after its CPU profile), before and after the growth, compared by constructor. Surge
// has no leak known to this drill, so it shows the method on a structure that grows legitimately:
// chat WebSockets held open on the gateway (a client that opens connections and never closes
// them looks like this from the server). A third snapshot after the client lets go tells a leak
// (the growth stays) from load (it goes).
//   node scripts/drills/memory-growth.mjs
import { readFile, stat } from 'node:fs/promises';
import WebSocket from 'ws';
import { diffSummaries, summarize, totalSize } from './heapsnapshot.mjs';
import { scrape, sum } from './prom.mjs';
import { say, show, step, table } from './report.mjs';
import { sleep, waitFor, withStack } from './stack.mjs';

const SOCKETS = 500;
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const signed = (n, f = String) => (n >= 0 ? `+${f(n)}` : `-${f(-n)}`);

const gatewayEnv = {
  SURGE__http__faces: '["users","chat"]',
  // One user holds every socket here; the default allows 5 per user per gateway.
  SURGE__chatSocket__maxConnectionsPerUser: '1000',
  SURGE__chatSocket__idleTimeoutSeconds: '600',
};

await withStack({ services: { user: 1 }, gatewayEnv, env: { SURGE__ops__profileSeconds: '1' } }, async (stack) => {
  const g = stack.gateway;
  step('Setup');
  show(`gateway pid ${g.pid} (faces users and chat), user service; ops.profileSeconds=1, so SIGUSR2 gives a heap snapshot after 1 s`);
  const res = await fetch(`${g.base}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `mem${stack.tag}`, password: 'secret123' }) });
  const { token } = await res.json();

  /**
   * kill -USR2 <gateway>, waits for its "wrote" line, reads the snapshot. Also the longest event-loop
   * pause meanwhile (surge_nodejs_eventloop_lag_max_seconds, reset by the scrape just before) and
   * the resident memory just after.
   */
  const snapshot = async () => {
    await scrape(g.metricsUrl);
    const mark = g.child.lines.length;
    process.kill(g.pid, 'SIGUSR2');
    const line = await waitFor('the heap snapshot', async () => g.child.lines.slice(mark).find((l) => / wrote .*\.heapsnapshot/.test(l)), 60_000);
    const after = await scrape(g.metricsUrl);
    const file = / and (\S+\.heapsnapshot)/.exec(line)[1];
    const t0 = performance.now();
    const summary = summarize(JSON.parse(await readFile(file, 'utf8')));
    return { file, summary, bytes: (await stat(file)).size, parseMs: performance.now() - t0, pause: sum(after, 'surge_nodejs_eventloop_lag_max_seconds'), rssAfter: sum(after, 'surge_process_resident_memory_bytes') };
  };
  const memory = async () => {
    const samples = await scrape(g.metricsUrl);
    return { heap: sum(samples, 'surge_nodejs_heap_size_used_bytes'), rss: sum(samples, 'surge_process_resident_memory_bytes') };
  };

  step(`Snapshot 1: kill -USR2 ${g.pid} (before)`);
  const m1 = await memory();
  const s1 = await snapshot();
  show(`${s1.file}`);
  show(`${mb(s1.bytes)} on disk, read in ${Math.round(s1.parseMs)} ms: ${mb(totalSize(s1.summary))} of objects; the gateway's loop stood still for up to ${Math.round(s1.pause * 1000)} ms`);
  show(`resident memory ${mb(m1.rss)} before the snapshot, ${mb(s1.rssAfter)} just after: writing a snapshot costs memory of its own`);

  step(`Growth: a client opens ${SOCKETS} chat WebSockets (GET /api/v1/chat/ws) and keeps them`);
  const sockets = [];
  for (let i = 0; i < SOCKETS; i += 50) {
    await Promise.all(Array.from({ length: 50 }, () => new Promise((resolve, reject) => {
      const ws = new WebSocket(`${g.base.replace('http', 'ws')}/api/v1/chat/ws`, ['surge-chat', `bearer.${token}`]);
      ws.once('open', resolve).once('error', reject);
      sockets.push(ws);
    })));
  }
  await sleep(500); // each socket's session starts once the user service has answered for its user
  const m2 = await memory();
  show(`${sockets.filter((s) => s.readyState === WebSocket.OPEN).length} open`);

  step(`Snapshot 2: kill -USR2 ${g.pid} (after)`);
  const s2 = await snapshot();
  show(`${s2.file}: ${mb(totalSize(s2.summary))} of objects (${signed(totalSize(s2.summary) - totalSize(s1.summary), mb)})`);

  step('What grew most, by constructor (self size; heapsnapshot.mjs, as DevTools → Memory → Comparison)');
  const all = diffSummaries(s1.summary, s2.summary, Infinity);
  const row = (d) => [d.group, d.count, signed(d.countDelta), signed(d.sizeDelta, (b) => `${(b / 1024).toFixed(0)} KB`), (d.countDelta / SOCKETS).toFixed(2)];
  const head = ['constructor', 'objects now', 'new objects', 'size change', 'new per socket'];
  table([head, ...all.slice(0, 8).map(row)]);
  say();
  show(`The generic groups lead by size. Named constructors that grew by a whole number per socket (${SOCKETS} sockets):`);
  const perSocket = all.filter((d) => !d.group.startsWith('(') && d.countDelta >= SOCKETS && d.countDelta % SOCKETS === 0).sort((a, b) => b.countDelta - a.countDelta || b.sizeDelta - a.sizeDelta);
  table([head, ...perSocket.slice(0, 14).map(row)]);
  say();
  show('Whole numbers per socket name what one connection holds: its WebSocket, the Socket and TCP handle under');
  show('it, the HTTP request it was upgraded from. A group growing by N objects per connection points at the');
  show('structure; DevTools (Memory → load both files → Comparison → a constructor → Retainers) shows what');
  show('keeps them alive.');
  const growth = all;

  step(`Release: the client closes its ${SOCKETS} sockets; snapshot 3`);
  await Promise.all(sockets.map((ws) => new Promise((resolve) => {
    ws.once('close', resolve);
    ws.close();
  })));
  await sleep(500);
  const m3 = await memory();
  const s3 = await snapshot();
  const watched = ['WebSocket', 'Socket', 'IncomingMessage', '(closure)', 'Object'];
  table([
    ['constructor', 'snapshot 1', 'snapshot 2', 'snapshot 3'],
    ...watched.map((group) => [group, ...[s1, s2, s3].map((s) => s.summary.get(group)?.count ?? 0)]),
    ['(all objects, MB)', ...[s1, s2, s3].map((s) => (totalSize(s.summary) / 2 ** 20).toFixed(1))],
  ]);
  say();
  show('The metrics an alert would watch, at each step (surge_nodejs_heap_size_used_bytes, surge_process_resident_memory_bytes):');
  table([['', 'before', `${SOCKETS} sockets open`, 'after closing'], ['heap used', mb(m1.heap), mb(m2.heap), mb(m3.heap)], ['resident', mb(m1.rss), mb(m2.rss), mb(m3.rss)]]);

  step('Reading it');
  show('- Growth that goes when the load goes (snapshot 3 back near snapshot 1) is load, not a leak: here the');
  show('  sockets. A leak keeps its objects after the cause has stopped, and grows again with each repetition.');
  show('- The heap-used gauge moves with garbage not yet collected; a snapshot forces a full GC first, so compare');
  show('  snapshots (or the gauge\'s low points over hours), not two random gauge readings. Resident memory rarely');
  show('  shrinks even when the heap does: V8 keeps pages it may need again.');
  show(`- A snapshot pauses the process while it walks the heap (here up to ${Math.round(Math.max(s1.pause, s2.pause, s3.pause) * 1000)} ms for a ${mb(totalSize(s2.summary))} heap)`);
  show('  and raises its resident memory: take them on one instance, out of rotation if its heap is large, and not');
  show('  on a container close to its memory limit.');
});
