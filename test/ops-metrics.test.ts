// The metrics operators alert on (deploy/prometheus/rules/) are on a real system's /metrics, with
// values that follow what happens: consumer groups per topic, each module's outbox, the saga
// waiting for operators, the data dir's disk, and a cache whose store went down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { readCounter, readGauge } from '#kit/observability';
import { cacheMetrics } from '../app/metrics.js';
import { requireServer, servers } from '#kit/testing';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];

/** The value of one series in Prometheus text, or undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('metrics read at scrape time', () => {
  it('a gauge holds what its readers return now, a reader that fails is skipped, a removed one is gone', async () => {
    const registry = new Registry();
    const spec = { name: 't_depth', help: 'h', labelNames: ['q'] } as const;
    let depth = 3;
    const stopA = readGauge(registry, spec, () => [{ labels: { q: 'a' }, value: depth }]);
    readGauge(registry, spec, () => {
      throw new Error('down');
    });
    const stopC = readGauge(registry, spec, async () => [{ labels: { q: 'c' }, value: 7 }]);
    expect(sample(await registry.metrics(), 't_depth', { q: 'a' })).toBe(3);
    depth = 5;
    stopC();
    const text = await registry.metrics();
    expect(sample(text, 't_depth', { q: 'a' })).toBe(5);
    expect(sample(text, 't_depth', { q: 'c' })).toBeUndefined();
    stopA();
    expect(sample(await registry.metrics(), 't_depth', { q: 'a' })).toBeUndefined();
  });

  it('a counter read from its owner reports the owner\'s running total, not a sum of scrapes', async () => {
    const registry = new Registry();
    let total = 2;
    readCounter(registry, { name: 't_dead_total', help: 'h', labelNames: ['g'] }, () => [{ labels: { g: 'x' }, value: total }]);
    expect(sample(await registry.metrics(), 't_dead_total', { g: 'x' })).toBe(2);
    total = 3;
    expect(sample(await registry.metrics(), 't_dead_total', { g: 'x' })).toBe(3);
  });

  it('a cache\'s store going down and up, and its fallback loads, are metrics', async () => {
    const registry = new Registry();
    const on = cacheMetrics(registry);
    on('store-down', 'user');
    on('fallback-load', 'user');
    on('fallback-reject', 'user');
    on('fallback-reject', 'user');
    let text = await registry.metrics();
    expect(sample(text, 'surge_cache_store_down', { cache: 'user' })).toBe(1);
    expect(sample(text, 'surge_cache_fallback_loads_total', { cache: 'user', outcome: 'rejected' })).toBe(2);
    on('store-up', 'user');
    text = await registry.metrics();
    expect(sample(text, 'surge_cache_store_down', { cache: 'user' })).toBe(0);
  });
});

describe.each(modes)('operations metrics on a %s system', (mode) => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem(mode);
  }, 60_000);
  afterAll(async () => sys?.stop());

  it('reports consumer groups, outboxes, the order saga and (embedded) the data dir', async () => {
    const text = await sys.metrics.render();
    const groups = text.split('\n').filter((l) => l.startsWith('surge_queue_pending_messages{'));
    expect(groups.length).toBeGreaterThan(0);
    for (const line of groups) expect(line).toMatch(/topic="[a-z.-]+",group="[a-z-]+"/);
    expect(text).toMatch(/^surge_queue_unacked_messages\{/m);
    expect(text).toMatch(/^# TYPE surge_queue_dead_letters_total counter/m);
    expect(text).toMatch(/^surge_outbox_pending_rows\{owner="[a-z]+"/m);
    expect(text).toMatch(/^surge_outbox_oldest_pending_age_seconds\{owner="[a-z]+"/m);
    expect(sample(text, 'surge_saga_stuck_transactions', { saga: 'order.create' })).toBe(0);
    if (mode === 'embedded') expect(sample(text, 'surge_disk_free_bytes')).toBeGreaterThan(0);
  });
});
