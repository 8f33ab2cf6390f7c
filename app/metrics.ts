// What the composition root adds to a process's /metrics beyond requests and calls: per module,
// the outbox backlog and the cache's store state; per process, the queue's consumer groups, the
// data dir's free space (when something lives on local disk) and the TLS certificate's expiry.
// Gauges are read at scrape time (readGauge), so none costs anything on the request path.
// deploy/prometheus/rules/ alerts on each; docs/operations.md lists them.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Registry } from 'prom-client';
import type { CacheEvent } from '#kit/cache';
import type { Clock } from '#kit/clock';
import { onePerScrape, readCounter, readGauge, sharedCounter, sharedGauge } from '#kit/observability';
import type { Outbox } from '#kit/outbox';
import type { GroupBacklog, Queue } from '#kit/queue';
import { isEmbedded, type Config } from './config/index.js';

const OUTBOX_ROWS = { name: 'surge_outbox_pending_rows', help: 'Outbox rows written and not yet relayed to the queue, by owning module.', labelNames: ['owner'] } as const;
const OUTBOX_AGE = { name: 'surge_outbox_oldest_pending_age_seconds', help: 'Age of the oldest outbox row not yet relayed (0 when none), by owning module.', labelNames: ['owner'] } as const;

/** The module's outbox backlog on the registry; returns the function that stops reporting it. */
export function readOutboxBacklog(registry: Registry, owner: string, outbox: Outbox, clock: Clock): () => void {
  // One query serves both gauges of a scrape.
  const read = onePerScrape(() => outbox.backlog());
  const stops = [
    readGauge(registry, OUTBOX_ROWS, async () => [{ labels: { owner }, value: (await read()).rows }]),
    readGauge(registry, OUTBOX_AGE, async () => {
      const { oldestAt } = await read();
      return [{ labels: { owner }, value: oldestAt === undefined ? 0 : Math.max(0, (clock.now() - oldestAt) / 1000) }];
    }),
  ];
  return () => stops.forEach((stop) => stop());
}

/** A cache's events as metrics: whether its shared store is down, and the loads its fallback let through or refused. */
export function cacheMetrics(registry: Registry): (event: CacheEvent, cache: string) => void {
  const down = sharedGauge(registry, { name: 'surge_cache_store_down', help: 'Whether a cache finds its shared store (Redis) down, so reads fall back to the database under the fallback rate (1 = down).', labelNames: ['cache'] });
  const fallback = sharedCounter(registry, { name: 'surge_cache_fallback_loads_total', help: 'Loads asked of a cache while its store was down: loaded (admitted by the fallback rate) or rejected.', labelNames: ['cache', 'outcome'] });
  return (event, cache) => {
    if (event === 'store-down') down.set({ cache }, 1);
    else if (event === 'store-up') down.set({ cache }, 0);
    else if (event === 'fallback-load') fallback.inc({ cache, outcome: 'loaded' });
    else if (event === 'fallback-reject') fallback.inc({ cache, outcome: 'rejected' });
  };
}

/** Per-process gauges: the queue's consumer groups, the data dir's disk, the RPC certificate. Returns the function that removes them. */
export function readProcessMetrics(registry: Registry, o: { config: Config; queue: Queue }): () => void {
  const stops = [readQueueBacklog(registry, o.queue)];
  const { config } = o;
  if (isEmbedded(config) || config.blob.driver === 'local') stops.push(readDisk(registry, resolve(config.dataDir)));
  if (config.rpc.tls.enabled) stops.push(readCertificate(registry, config.rpc.tls.cert));
  return () => stops.forEach((stop) => stop());
}

const QUEUE = {
  pending: { name: 'surge_queue_pending_messages', help: 'Messages not yet handed to any subscriber of a consumer group (the group\'s lag).', labelNames: ['topic', 'group'] },
  unacked: { name: 'surge_queue_unacked_messages', help: 'Messages handed to a subscriber of the group and not yet acknowledged.', labelNames: ['topic', 'group'] },
  dead: { name: 'surge_queue_dead_letters_total', help: 'Messages this process sent to the dead-letter topic after their last attempt, by topic and consumer group.', labelNames: ['topic', 'group'] },
} as const;

function readQueueBacklog(registry: Registry, queue: Queue): () => void {
  // The three metrics of one scrape share one backlog() call (a consumer-info request per group on JetStream).
  const read = onePerScrape(() => queue.backlog());
  const per = (value: (g: GroupBacklog) => number) => async () => (await read()).map((g) => ({ labels: { topic: g.topic, group: g.group }, value: value(g) }));
  const stops = [readGauge(registry, QUEUE.pending, per((g) => g.pending)), readGauge(registry, QUEUE.unacked, per((g) => g.unacked)), readCounter(registry, QUEUE.dead, per((g) => g.deadLetters))];
  return () => stops.forEach((stop) => stop());
}

function readDisk(registry: Registry, path: string): () => void {
  // One statfs serves both gauges of a scrape.
  const read = onePerScrape(async () => {
    const s = await statfs(path);
    return { free: s.bavail * s.bsize, size: s.blocks * s.bsize };
  });
  const stops = [
    readGauge(registry, { name: 'surge_disk_free_bytes', help: 'Bytes free to this process on the file system of the data dir (SQLite, local blobs, profiles).', labelNames: ['path'] }, async () => [{ labels: { path }, value: (await read()).free }]),
    readGauge(registry, { name: 'surge_disk_size_bytes', help: 'Size of the file system holding the data dir.', labelNames: ['path'] }, async () => [{ labels: { path }, value: (await read()).size }]),
  ];
  return () => stops.forEach((stop) => stop());
}

function readCertificate(registry: Registry, file: string): () => void {
  return readGauge(registry, { name: 'surge_tls_certificate_expiry_timestamp_seconds', help: 'When the RPC TLS certificate (rpc.tls.cert) stops being valid, in seconds since the epoch; read from the file at each scrape.', labelNames: ['file'] }, () => {
    const cert = new X509Certificate(readFileSync(file));
    return [{ labels: { file }, value: Math.floor(Date.parse(cert.validTo) / 1000) }];
  });
}
