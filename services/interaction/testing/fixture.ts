// One interaction service over a fresh database of the given kind, with an in-process cache,
// a memory queue and the real outbox, and a record of every event the queue delivered.
import type { Kysely } from 'kysely';
import { afterAll } from 'vitest';
import pino from 'pino';
import { createCache } from '#kit/cache';
import { ManualClock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import { createOutbox, type OutboxTables } from '#kit/outbox';
import { createMemoryQueue, type Topic } from '#kit/queue';
import type { Client } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { inProcessClient, type TestDatabaseKind } from '#kit/testing';
import { Code, SurgeError } from '#kit/errors';
import { COMMENTED, defineInteractionService, FAVORITED, interactionMigrations, InteractionServiceDefinition, type InteractionDB } from '../index.js';

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
  /** Every event delivered so far, in delivery order. */
  events: Delivered[];
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
  const subs = await Promise.all(
    [FAVORITED, COMMENTED].map((topic: Topic<object>) =>
      queue.subscribe(topic, 'test', async (m) => void events.push({ topic: m.topic, id: m.id, data: m.data as Record<string, unknown> })),
    ),
  );
  // A poll far beyond any test: events reach the queue only because the service flushed.
  const outbox = createOutbox({ db, queue, clock, log, pollMs: 3_600_000 });
  const cache = createCache({ clock });
  const authors = new Map<number, number>();
  const missingVideos = new Set<number>();
  const videos = {
    async authorOf(videoId: number) {
      if (missingVideos.has(videoId)) throw new SurgeError(Code.NotFound, 'video_id: no video with this id', { details: { field: 'video_id' } });
      return authors.get(videoId) ?? 900;
    },
  };
  const svc = inProcessClient(InteractionServiceDefinition, defineInteractionService({ db, cache, clock, ids: createIdGenerator({ workerId: 1, clock }), outbox, videos }));

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
    events,
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
      await Promise.all(subs.map((s) => s.close()));
      await queue.close();
      await cache.close();
    },
  };
}
