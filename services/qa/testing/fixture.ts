// One qa service over a fresh database of the given kind, for the service's own tests: the real
// models, a memory queue behind the real outbox (with every event it delivered recorded), a
// manual clock (questions asked while it stands still share their created_at), called through
// the in-process transport with its codec check.
import type { Kysely } from 'kysely';
import pino from 'pino';
import { afterAll } from 'vitest';
import { ManualClock, systemClock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import { createOutbox, type OutboxTables } from '#kit/outbox';
import { createMemoryQueue, type Topic } from '#kit/queue';
import type { Client } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { inProcessClient, type TestDatabaseKind } from '#kit/testing';
import { QaServiceDefinition, type Answer, type AskQuestionRequest, type Question } from '#gen/surge/qa/v1/qa';
import { ACCEPTED, ANSWERED } from '../events.js';
import { qaMigrations } from '../model/migrations.js';
import type { QaDB } from '../model/tables.js';
import { defineQaService, type QaService } from '../service.js';

export interface Delivered {
  topic: string;
  data: Record<string, unknown>;
}

export interface QaFixture {
  /** A client through the in-process transport: requests and replies are encoded as on the wire. */
  svc: Client<typeof QaServiceDefinition>;
  /** The handlers themselves, for inputs the wire cannot carry (fractions in an int64). */
  handlers: QaService;
  db: ServiceDatabase<QaDB>;
  clock: ManualClock;
  /** AskQuestion by `userId` with defaults for the fields not given. */
  ask(userId: number, fields?: Partial<AskQuestionRequest>): Promise<Question>;
  /** PostAnswer by `userId` to `questionId`. */
  answer(userId: number, questionId: number, content?: string): Promise<Answer>;
  /** Waits until the outbox is empty and its events reached the subscriber; every event delivered so far. */
  settle(): Promise<Delivered[]>;
}

export interface QaFixtureOptions {
  /** qa.blockedWords; default none. */
  blockedWords?: readonly string[];
}

const log = pino({ level: 'silent' });
const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

/** For one describe block: opens fresh fixtures on `kind`, closed (and their databases dropped) after the block. */
export function qaFixturesOn(kind: TestDatabaseKind): (o?: QaFixtureOptions) => Promise<QaFixture> {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
    await kind.cleanup();
  });
  return async (o) => {
    const { fixture, close } = await openQaFixture(kind, o);
    closers.push(close);
    return fixture;
  };
}

export async function openQaFixture(kind: TestDatabaseKind, o: QaFixtureOptions = {}): Promise<{ fixture: QaFixture; close(): Promise<void> }> {
  const db = await kind.open<QaDB>('qa', qaMigrations);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const queue = createMemoryQueue();
  const delivered: Delivered[] = [];
  const subs = await Promise.all(
    [ANSWERED, ACCEPTED].map((topic: Topic<object>) => queue.subscribe(topic, 'test', async (m) => void delivered.push({ topic: m.topic, data: m.data as Record<string, unknown> }))),
  );
  // A poll far beyond any test: events reach the queue only because the service flushed.
  const outbox = createOutbox({ db, queue, clock, log, pollMs: 3_600_000 });
  const handlers = defineQaService({
    db,
    clock,
    // Ids on the real clock: the manual one stands still, and a burst would wait for it.
    ids: createIdGenerator({ workerId: 1, clock: systemClock }),
    outbox,
    blockedWords: o.blockedWords ?? [],
  });
  const svc = inProcessClient(QaServiceDefinition, handlers);
  const pending = async () => {
    const outboxDb = db.db as unknown as Kysely<OutboxTables>;
    return Number((await outboxDb.selectFrom('surge_outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  };
  const fixture: QaFixture = {
    svc,
    handlers,
    db,
    clock,
    ask: (userId, fields = {}) => svc.askQuestion({ userId, title: 'How do I page a list?', content: 'With **keyset** paging?', tags: [], ...fields }),
    answer: (userId, questionId, content = 'Use the last row’s keys.') => svc.postAnswer({ userId, questionId, content }),
    async settle() {
      const end = Date.now() + 5000;
      while ((await pending()) > 0) {
        if (Date.now() > end) throw new Error('outbox rows were never published');
        await tick();
      }
      await tick(20); // handlers run a few microtasks after publish
      return delivered;
    },
  };
  return {
    fixture,
    async close() {
      await outbox.close();
      await Promise.all(subs.map((s) => s.close()));
      await queue.close();
    },
  };
}
