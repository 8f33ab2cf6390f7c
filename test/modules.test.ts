// Adding a service is a module value and a line in the list. Two throwaway modules defined here
// (a "relay" that calls a "ledger", on a contract made in this file) are hosted by the all-in-one
// process beside the real ones, with their own database and migrations; one calls the other
// through the client it declared; `surge up` would start both, and each gets a rendered
// Kubernetes manifest. Deadline and trace context cross both hops: test → relay → ledger with
// this file's modules, and gateway → interaction → video over HTTP with the real ones.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startSystem, type System } from '#app';
import { createLogger } from '#kit/observability';
import type { CallContext, ServiceDefinition } from '#kit/rpc';
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { loadModules } from '../app/modules.js';
import { upPlan } from '../app/roles/up.js';
import { clusterSettings, renderManifests } from '../app/deploy/k8s.js';
import { DouyinClient } from './douyin/client.js';
import { fakeVideo } from '../packages/kit/media/testing/fake-video.js';
import { ancestry, startCollector, type Collector } from './otlp-collector.js';


const serviceModules = await loadModules();

/** A contract made here: Echo's one method under a package of its own. */
const contract = (service: string) =>
  ({ name: `${service}Service`, fullName: `surge.${service}.v1.${service}Service`, methods: { echo: EchoServiceDefinition.methods.echo } }) as const satisfies ServiceDefinition;
const LedgerDefinition = contract('ledger');
const RelayDefinition = contract('relay');

interface Seen {
  deadline: number | undefined;
  traceparent: string | undefined;
  requestId: string | undefined;
}
const seen = (ctx: CallContext): Seen => ({ deadline: ctx.deadline, traceparent: ctx.metadata.traceparent, requestId: ctx.metadata['x-request-id'] });

/** What each throwaway module saw of the calls it served. */
const observed = { relay: [] as Seen[], ledger: [] as Seen[] };

interface LedgerDB {
  entries: { id: number; message: string };
}

/** Writes what it is told into its own table and says how many entries it holds. */
const ledgerModule = defineServiceModule({
  definition: LedgerDefinition,
  migrations: {
    '0001_entries': { up: (db) => db.schema.createTable('entries').addColumn('id', 'bigint', (c) => c.primaryKey()).addColumn('message', 'varchar(100)', (c) => c.notNull()).execute() },
  },
  handlers: (ctx: ModuleContext<LedgerDB>) => ({
    async echo(req, call) {
      observed.ledger.push(seen(call));
      await ctx.db.db.insertInto('entries').values({ id: ctx.ids.next(), message: req.message }).execute();
      const rows = await ctx.db.db.selectFrom('entries').select('id').execute();
      return { message: `ledger holds ${rows.length}`, number: req.number, remainingMs: Math.round(call.remainingMs()) };
    },
  }),
});

const relayCalls = { ledger: LedgerDefinition };
/** Passes each call on to the ledger, under its own context (deadline, trace, request id). */
const relayModule = defineServiceModule({
  definition: RelayDefinition,
  migrations: {},
  calls: relayCalls,
  handlers: (ctx: ModuleContext<unknown, unknown, typeof relayCalls>) => ({
    async echo(req, call) {
      observed.relay.push(seen(call));
      return ctx.clients.ledger.echo({ ...req, hops: req.hops + 1 }, { parent: call });
    },
  }),
});

const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1];
const spanIdOf = (traceparent: string | undefined) => traceparent?.split('-')[2];

describe('a throwaway module in the all-in-one process', () => {
  let system: System;
  let collector: Collector;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'surge-modules-'));
    collector = await startCollector();
    const config = loadConfig({
      env: {},
      overrides: { dataDir: dir, 'log.level': 'silent', 'rpc.codecCheck': true, 'auth.passwordCost': 10, 'tracing.exporter': 'otlp', 'tracing.otlpUrl': collector.url, 'tracing.sampleRatio': 1 },
    });
    system = await startSystem(config, { logger: createLogger({ level: 'silent' }), listen: false, modules: [...serviceModules, ledgerModule, relayModule] });
  });

  afterAll(async () => {
    await system?.close();
    await collector?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is hosted with its own database and migrations, and called from another module through the client it declared', async () => {
    const relay = system.client(RelayDefinition);
    expect(await relay.echo({ message: 'one', number: 1, hops: 0 })).toMatchObject({ message: 'ledger holds 1', number: 1 });
    expect(await relay.echo({ message: 'two', number: 2, hops: 0 })).toMatchObject({ message: 'ledger holds 2', number: 2 });
  });

  it('is listed for surge up, beside every module of the list, before the gateway', () => {
    const plan = upPlan(['--scale', 'ledger=2'], [...serviceModules, ledgerModule, relayModule]);
    expect(plan.map((c) => c.args.join(' '))).toEqual([...serviceModules.map((m) => `serve ${m.name}`), 'serve ledger', 'serve ledger', 'serve relay']);
    expect(() => upPlan(['--scale', 'ledger=2'])).toThrow(/--scale/);
  });

  it('is given a rendered Kubernetes manifest, from the template with the defaults', () => {
    const files = renderManifests([...serviceModules, ledgerModule, relayModule], clusterSettings(readFileSync('deploy/k8s/configmap.yaml', 'utf8')));
    const ledger = files.get('ledger.yaml')!;
    expect(ledger).toContain('command: ["node", "dist/app/cli.js", "serve", "ledger"]');
    expect(ledger).toContain('image: surge:latest');
    // Below its header comment, the same as a listed service without overrides, but for its name.
    const body = (text: string) => text.slice(text.indexOf('apiVersion:'));
    expect(body(ledger).replaceAll('ledger', 'message')).toBe(body(files.get('message.yaml')!));
    expect(files.get('relay.yaml')).toContain('It calls ledger.');
  });

  it('carries the caller deadline, request id and trace across both hops', async () => {
    observed.relay.length = 0;
    observed.ledger.length = 0;
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const started = Date.now();
    // The caller's 700 ms, far under the 2 s each hop would give its own call (rpc.timeoutMs).
    const reply = await system.client(RelayDefinition).echo({ message: 'deadline', number: 3, hops: 0 }, { timeoutMs: 700, metadata: { 'x-request-id': 'req-42', traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    const [atRelay] = observed.relay;
    const [atLedger] = observed.ledger;
    expect(atRelay!.deadline).toBeGreaterThanOrEqual(started + 700);
    expect(atRelay!.deadline).toBeLessThanOrEqual(Date.now() + 700);
    // The ledger's deadline is the caller's, unchanged by the relay's own 2 s.
    expect(atLedger!.deadline).toBe(atRelay!.deadline);
    expect(reply.remainingMs).toBeLessThanOrEqual(700);
    expect([atRelay!.requestId, atLedger!.requestId]).toEqual(['req-42', 'req-42']);
    // One trace; each hop sees the span of the one before it as its parent.
    expect([traceIdOf(atRelay!.traceparent), traceIdOf(atLedger!.traceparent)]).toEqual([traceId, traceId]);
    expect(spanIdOf(atLedger!.traceparent)).not.toBe(spanIdOf(atRelay!.traceparent));
  });

  it('traces gateway → interaction → video over HTTP in one trace, each span the child of the hop before', async () => {
    const api = new DouyinClient(await system.app.listen({ host: '127.0.0.1', port: 0 }));
    const author = await api.ok('POST', '/douyin/user/register/', { username: 'modauthor', password: 'secret123' });
    await api.ok('POST', '/douyin/publish/action/', { token: author.token, title: 'traced' }, { file: { bytes: new Uint8Array(fakeVideo(64)), name: 'a.mp4', type: 'video/mp4' } });
    const videoId = (await api.ok('GET', '/douyin/publish/list/', { token: author.token, user_id: author.user_id })).video_list[0].id;
    const traceId = 'aaf92f3577b34da6a3ce929d0e0e4700';
    const res = await fetch(`${api.base}/douyin/favorite/action/?token=${author.token}&video_id=${videoId}&action_type=1`, {
      method: 'POST',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(await res.json()).toMatchObject({ status_code: 0 });
    const isVideoServer = (s: { traceId: string; name: string; kind: number }) => s.traceId === traceId && s.name.endsWith('VideoService/GetVideos') && s.kind === 2;
    // Spans end innermost first and may leave in different exports: wait for the whole chain.
    const spans = await collector.until((all) => all.some((s) => isVideoServer(s) && ancestry(s, all).length >= 4));
    const videoServer = spans.find(isVideoServer)!;
    expect(ancestry(videoServer, spans).map((s) => `${s.kind === 2 ? 'server' : s.kind === 3 ? 'client' : s.kind} ${s.name.replace(/^surge\.\w+\.v1\./, '')}`)).toEqual([
      'client VideoService/GetVideos',
      'server InteractionService/Favorite',
      'client InteractionService/Favorite',
      expect.stringMatching(/^server POST/),
    ]);
  });
});
