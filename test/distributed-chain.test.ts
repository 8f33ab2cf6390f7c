// A call chain across processes: gateway → interaction → video, each its own `surge` process
// found through etcd, on the real MariaDB, Redis and NATS. A like is one trace across the three
// processes (spans exported to a test collector), and the gateway's deadline is the one the video
// instance works under: with the interaction process given a 10 s timeout of its own and a video
// instance that delays every call by 4 s, the call ends at the gateway's 2 s, on the video
// instance too (DeadlineExceeded or Cancelled there, never a late success).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { clusterServersReady, sleep, startCluster, type Cluster, type ServiceProcess } from './cluster.js';
import { DouyinClient, type Reply } from './douyin/client.js';
import { fakeVideo } from '../packages/kit/media/testing/fake-video.js';
import { ancestry, startCollector, type Collector } from './otlp-collector.js';

const ready = await clusterServersReady();

/** Calls of one method an instance served, by outcome code, with their total seconds, from its /metrics page. */
async function servedByCode(metricsUrl: string, method: string): Promise<Map<number, { count: number; seconds: number }>> {
  const out = new Map<number, { count: number; seconds: number }>();
  for (const line of (await (await fetch(metricsUrl)).text()).split('\n')) {
    if (!line.includes('side="server"') || !line.includes(`method="${method}"`)) continue;
    const which = line.startsWith('surge_rpc_duration_seconds_count{') ? 'count' : line.startsWith('surge_rpc_duration_seconds_sum{') ? 'seconds' : undefined;
    if (!which) continue;
    const code = Number(/code="(\d+)"/.exec(line)![1]);
    const row = out.get(code) ?? { count: 0, seconds: 0 };
    row[which] = Number(line.slice(line.lastIndexOf(' ') + 1));
    out.set(code, row);
  }
  return out;
}

describe.skipIf(!ready)('distributed: gateway → interaction → video across processes', () => {
  let cluster: Cluster;
  let collector: Collector;
  let api: DouyinClient;
  let author: Reply;
  let videoId: number;

  beforeAll(async () => {
    collector = await startCollector();
    cluster = await startCluster({
      users: 1,
      // relation too: the works list the test reads shows whether the viewer follows the author;
      // article and qa: the interaction service also calls them (their targets can be liked), and
      // its health names every service it calls.
      services: { video: 1, relation: 1, article: 1, qa: 1 },
      env: { SURGE__tracing__exporter: 'otlp', SURGE__tracing__otlpUrl: collector.url, SURGE__tracing__sampleRatio: '1' },
    });
    // The middle hop would give its own calls 10 s: only a propagated deadline ends them at 2 s.
    await cluster.startService('interaction', { SURGE__rpc__timeoutMs: '10000' });
    api = new DouyinClient(cluster.base);
    author = await api.ok('POST', '/douyin/user/register/', { username: `chain${cluster.tag}`, password: 'secret123' });
    await api.ok('POST', '/douyin/publish/action/', { token: author.token, title: 'chain' }, { file: { bytes: new Uint8Array(fakeVideo(64)), name: 'a.mp4', type: 'video/mp4' } });
    videoId = (await api.ok('GET', '/douyin/publish/list/', { token: author.token, user_id: author.user_id })).video_list[0].id;
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
    await collector?.close();
  });

  it('the interaction instance reports the video service it calls among its dependencies', async () => {
    const [interaction] = cluster.instances('interaction') as [ServiceProcess];
    const res = await fetch(interaction.metricsUrl.replace(/\/metrics$/, '/healthz'));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { checks: Record<string, string> }).checks).toMatchObject({ database: 'ok', 'video service': 'ok', 'article service': 'ok', 'qa service': 'ok' });
  });

  it('a like is one trace across the three processes, each span the child of the hop before', async () => {
    const traceId = 'cbf92f3577b34da6a3ce929d0e0e4701';
    const res = await fetch(`${cluster.base}/douyin/favorite/action/?token=${author.token}&video_id=${videoId}&action_type=1`, {
      method: 'POST',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(await res.json()).toMatchObject({ status_code: 0 });
    const isVideoServer = (s: { traceId: string; name: string; kind: number }) => s.traceId === traceId && s.name.endsWith('VideoService/GetVideos') && s.kind === 2;
    // Each process exports on its own schedule: wait for the whole chain.
    const spans = await collector.until((all) => all.some((s) => isVideoServer(s) && ancestry(s, all).length >= 4), 20_000);
    const videoServer = spans.find(isVideoServer)!;
    expect(videoServer.process).toBe('surge-video');
    expect(ancestry(videoServer, spans).map((s) => `${s.process} ${s.kind === 2 ? 'server' : 'client'} ${s.name.replace(/^surge\.\w+\.v1\./, '')}`)).toEqual([
      'surge-interaction client VideoService/GetVideos',
      'surge-interaction server InteractionService/Favorite',
      'surge-gateway client InteractionService/Favorite',
      expect.stringMatching(/^surge-gateway server POST/),
    ]);
  }, 60_000);

  it("the gateway's deadline ends the call on the video instance, two hops away", async () => {
    const [fast] = cluster.instances('video') as [ServiceProcess];
    const slow = await cluster.startService('video', { SURGE__rpc__injectDelayMs: '4000' });
    await cluster.stop(fast.proc);
    expect((await cluster.registered('video')).map((i) => i.pid)).toEqual([slow.pid]);

    // The interaction instance learns of the change through its registry watch, sooner or later
    // on a busy machine: until it knows the slow instance, a call fails Unavailable without
    // reaching any video instance, and is tried again. The first call that reaches it is judged.
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const body = (await (await fetch(`${cluster.base}/douyin/favorite/action/?token=${author.token}&video_id=${videoId}&action_type=2`, { method: 'POST' })).json()) as { status_code: number; status_msg: string };
      const tookMs = Date.now() - started;
      if (body.status_code === Code.Unavailable && attempt < 100) {
        await sleep(100);
        continue;
      }
      expect(body.status_code, body.status_msg).toBe(Code.DeadlineExceeded);
      expect(tookMs).toBeLessThan(3500);
      break;
    }

    // The video instance gave up at the gateway's deadline (not the interaction's 10 s, nor its own
    // 4 s delay): its own deadline timer and the caller's cancel, sent at that same deadline, race,
    // so the one call it served ended DeadlineExceeded or Cancelled, never as a success.
    const ended = (m: Map<number, { count: number; seconds: number }>) => [Code.DeadlineExceeded, Code.Cancelled].flatMap((code) => (m.has(code) ? [m.get(code)!] : []));
    let served = await servedByCode(slow.metricsUrl, 'GetVideos');
    for (let i = 0; i < 100 && ended(served).length === 0; i++) {
      await sleep(100);
      served = await servedByCode(slow.metricsUrl, 'GetVideos');
    }
    const seen = JSON.stringify([...served]);
    expect(served.get(0)?.count ?? 0, seen).toBe(0);
    expect([...served.keys()].filter((code) => code !== Code.DeadlineExceeded && code !== Code.Cancelled)).toEqual([]);
    expect(ended(served).reduce((n, row) => n + row.count, 0), seen).toBe(1);
    expect(ended(served).reduce((s, row) => s + row.seconds, 0)).toBeLessThan(2.5);
  }, 60_000);
});
