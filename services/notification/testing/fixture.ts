// One notification service over a fresh database of the given kind, for the service's own tests:
// the real model, a manual clock, its RPCs through the in-process transport with its codec check,
// and its consumers on a memory queue (the handlers themselves too, to deliver one message twice).
import pino from 'pino';
import { afterAll } from 'vitest';
import { ManualClock, systemClock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import { createMemoryQueue, type Queue, type QueueMessage } from '#kit/queue';
import type { Client } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { inProcessClient, type TestDatabaseKind } from '#kit/testing';
import { NotificationServiceDefinition, type Notification } from '#gen/surge/notification/v1/notification';
import { createNotificationHandlers, type NotificationHandlers } from '../consumers/handlers.js';
import { startNotificationConsumers } from '../consumers/start.js';
import { notificationMigrations } from '../model/migrations.js';
import { createNotificationModel } from '../model/notifications.js';
import type { NotificationDB } from '../model/tables.js';
import { defineNotificationService } from '../service.js';

export interface NotificationFixture {
  /** A client through the in-process transport: requests and replies are encoded as on the wire. */
  svc: Client<typeof NotificationServiceDefinition>;
  /** The consumers' handlers, called directly with a message of one's making. */
  handlers: NotificationHandlers;
  /** A memory queue the consumers (group `notification`) read. */
  queue: Queue;
  db: ServiceDatabase<NotificationDB>;
  clock: ManualClock;
  /** A delivery of `data` with this message id, as the queue hands it to a handler. */
  message<T>(id: string, data: T): QueueMessage<T>;
  /** Every notification of userId (first page of 50). */
  all(userId: number): Promise<Notification[]>;
  /** Polls until check holds (events travel through the queue), failing after 10 s. */
  until(check: () => Promise<boolean>): Promise<void>;
}

const log = pino({ level: 'silent' });

/** For one describe block: opens fresh fixtures on `kind`, closed (and their databases dropped) after the block. */
export function notificationFixturesOn(kind: TestDatabaseKind): () => Promise<NotificationFixture> {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await kind.cleanup();
  });
  return async () => {
    const { fixture, close } = await openNotificationFixture(kind);
    closers.push(close);
    return fixture;
  };
}

export async function openNotificationFixture(kind: TestDatabaseKind): Promise<{ fixture: NotificationFixture; close(): Promise<void> }> {
  const db = await kind.open<NotificationDB>('notification', notificationMigrations);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  // Ids on the real clock: the manual one stands still, and a burst would wait for it.
  const ids = createIdGenerator({ workerId: 1, clock: systemClock });
  const queue = createMemoryQueue();
  const consumers = await startNotificationConsumers({ db, queue, ids, clock, log });
  const svc = inProcessClient(NotificationServiceDefinition, defineNotificationService({ db, clock, ids }));
  const fixture: NotificationFixture = {
    svc,
    handlers: createNotificationHandlers({ db, notifications: createNotificationModel(db), ids, clock }),
    queue,
    db,
    clock,
    message: (id, data) => ({ id, topic: 'test', data, headers: {}, attempt: 1, publishedAt: clock.now() }),
    all: async (userId) => (await svc.list({ userId, cursor: '', limit: 50 })).notifications,
    async until(check) {
      const end = Date.now() + 10_000;
      while (!(await check())) {
        if (Date.now() > end) throw new Error('the notifications never arrived');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
  return {
    fixture,
    async close() {
      await consumers.close();
      await queue.close();
    },
  };
}
