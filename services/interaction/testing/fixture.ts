// One interaction service over a fresh database of the given kind, with an in-process cache,
// a memory queue, the real outbox and the real count consumer, and a record of every event the
// queue delivered.
import type { Kysely } from 'kysely';
import { afterAll } from 'vitest';
import pino from 'pino';
import { createCache } from '#kit/cache';
import { ManualClock, systemClock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import { createOutbox, type OutboxTables } from '#kit/outbox';
import { createMemoryQueue, type Topic } from '#kit/queue';
import type { Client } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { inProcessClient, type TestDatabaseKind } from '#kit/testing';
import { Code, SurgeError } from '#kit/errors';
import {
  COMMENTED,
  createCountModel,
  defineInteractionService,
  FAVORITED,
  interactionMigrations,
  InteractionServiceDefinition,
  startCountConsumers,
  TARGET_COMMENTED,
  TARGET_LIKED,
  type InteractionDB,
} from '../index.js';

export interface Delivered {
  topic: string;
  id: string;
  data: Record<string, unknown>;
}

export interface Fixture {
  /** A client through the in-process transport with its codec check: requests and replies are encoded as on the wire. */
  svc: Client<typeof InteractionServiceDefinition>;
  db: ServiceDatabase<InteractionDB>;
  clock: ManualClock;
  /** The video service as this fixture plays it: a video's author (900 unless set here); ids in `missingVideos` do not exist. */
  authors: Map<number, number>;
  missingVideos: Set<number>;
  /** The article service as this fixture plays it, likewise (author 800 unless set here). */
  articleAuthors: Map<number, number>;
  missingArticles: Set<number>;
  /** Every Douyin event (favorited, commented) delivered so far, in delivery order. */
  events: Delivered[];
  /** Every target_liked and target_commented event delivered so far. */
  targetEvents: Delivered[];
  /** Waits until the outbox is empty and its last events reached the subscribers; returns events. */
  settle(): Promise<Delivered[]>;
  /** Rows still waiting in the outbox (nothing flushes them but the service: the poll is an hour). */
  pendingOutboxRows(): Promise<number>;
  close(): Promise<void>;
}

const log = pino({ level: 'silent' });
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/**
 * For one describe block: a function opening a fresh fixture on `kind`, each closed (and the
 * kind's databases dropped) after the block's tests.
 */
export function fixturesOn(kind: TestDatabaseKind): () => Promise<Fixture> {
  const fixtures: Fixture[] = [];
  afterAll(async () => {
    for (const f of fixtures) await f.close();
    await kind.cleanup();
  });
  return async () => {
    const f = await openFixture(kind);
    fixtures.push(f);
    return f;
  };
}

export async function openFixture(kind: TestDatabaseKind): Promise<Fixture> {
  const db = await kind.open<InteractionDB>('interaction', interactionMigrations);
  const clock = new ManualClock(Date.UTC(2025, 0, 1)); // after the id generator's epoch
  const queue = createMemoryQueue();
  const events: Delivered[] = [];
  const targetEvents: Delivered[] = [];
  const record = (into: Delivered[]) => (topic: Topic<object>) =>
    queue.subscribe(topic, 'test', async (m) => void into.push({ topic: m.topic, id: m.id, data: m.data as Record<string, unknown> }));
  const subs = await Promise.all([...[FAVORITED, COMMENTED].map(record(events)), ...[TARGET_LIKED, TARGET_COMMENTED].map(record(targetEvents))]);
  // A poll far beyond any test: events reach the queue only because the service flushed.
  const outbox = createOutbox({ db, queue, clock, log, pollMs: 3_600_000 });
  const cache = createCache({ clock });
  const authors = new Map<number, number>();
  const missingVideos = new Set<number>();
  const articleAuthors = new Map<number, number>();
  const missingArticles = new Set<number>();
  const targets = {
    async ownerOf(biz: string, id: number, _parent: unknown, field = 'target_id') {
      const [missing, owners, fallback] = biz === 'video' ? [missingVideos, authors, 900] : [missingArticles, articleAuthors, 800];
      if (missing.has(id)) throw new SurgeError(Code.NotFound, `${field}: no ${biz} with this id`, { details: { field } });
      return owners.get(id) ?? fallback;
    },
  };
  const counts = createCountModel(db, cache);
  // Real time for the batches: the manual clock moves only when a test says.
  const consumers = await startCountConsumers({ db, counts, queue, clock: systemClock, log, flushIntervalMs: 10 });
  const svc = inProcessClient(
    InteractionServiceDefinition,
    defineInteractionService({ db, cache, clock, ids: createIdGenerator({ workerId: 1, clock }), outbox, targets, counts, blockedWords: ['badword'] }),
  );

  const pendingOutboxRows = async () => {
    const outboxDb = db.db as unknown as Kysely<OutboxTables>;
    const r = await outboxDb.selectFrom('surge_outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  };

  return {
    svc,
    db,
    clock,
    authors,
    missingVideos,
    articleAuthors,
    missingArticles,
    events,
    targetEvents,
    pendingOutboxRows,
    async settle() {
      const end = Date.now() + 5000;
      while ((await pendingOutboxRows()) > 0) {
        if (Date.now() > end) throw new Error('outbox rows were never published');
        await tick();
      }
      await tick(20); // handlers start a few microtasks after publish
      return events;
    },
    async close() {
      await outbox.close();
      await consumers.close();
      await Promise.all(subs.map((s) => s.close()));
      await queue.close();
      await cache.close();
    },
  };
}
