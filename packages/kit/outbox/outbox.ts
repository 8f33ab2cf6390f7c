// Transactional outbox: an event is a row written in the same transaction as the fact it
// reports, so a crash can never keep one without the other. A relay publishes pending rows to
// the queue and deletes them; it runs when flush() is called after a commit and on a timer for
// rows a crashed process left behind. Delivery is at least once: two relays (instances) may
// publish the same row, so the row id travels as the queue's dedup key and consumers apply each
// id once (applyOnce).
//
// Rows hold the payload already encoded: a typed topic's protobuf bytes in base64 behind a
// `b64:` mark, a plain topic's JSON as before. The relay publishes the stored bytes as they are
// (JSON rows become the same bytes JSON encoding gives), so rows written by the previous release,
// all JSON, still go out; typed consumers read that JSON for one release (#kit/events).
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import { bytesCodec, jsonCodec, type Queue, type Topic } from '#kit/queue';
import type { ServiceDatabase } from '#kit/store';
import type { OutboxTables } from './migrations.js';

/**
 * The slice of the outbox a service's use cases need: an event written in the same transaction as
 * the row that makes it true, so it is published if and only if the change committed.
 */
export type EventSink = Pick<Outbox, 'add' | 'flush'>;

export interface Outbox {
  /**
   * Records an event in the caller's transaction; once it commits the event is published at least
   * once. A typed topic encodes (and checks) the message here, so a bad one fails the transaction.
   */
  add<T>(trx: Transaction<any>, topic: string | Topic<T>, data: T): Promise<void>;
  /** Publishes what is pending now; call after the transaction commits (the relay also polls). */
  flush(): void;
  /** Rows not yet relayed and when the oldest was written (ms since the epoch; undefined when none), for metrics. */
  backlog(): Promise<{ rows: number; oldestAt: number | undefined }>;
  /** Stops the relay after the round in progress (pending rows wait for the next start). */
  close(): Promise<void>;
}

export interface OutboxOptions {
  db: ServiceDatabase<any>;
  queue: Queue;
  clock: Clock;
  log: Logger;
  /** How often the relay looks for rows nobody flushed (a crash between commit and flush). Default 1000. */
  pollMs?: number;
  /** Rows per relay round. Default 100. */
  batch?: number;
}

export function createOutbox(o: OutboxOptions): Outbox {
  const pollMs = o.pollMs ?? 1000;
  const batch = o.batch ?? 100;
  if (!Number.isFinite(pollMs) || pollMs <= 0) throw errors.invalid('pollMs', 'a positive number of ms');
  if (!Number.isInteger(batch) || batch <= 0) throw errors.invalid('batch', 'a positive integer');
  const db = o.db.db as unknown as Kysely<OutboxTables>;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  // One round: oldest rows first, published together, deleted once the queue accepted them.
  const round = async (): Promise<number> => {
    const rows = await db.selectFrom('surge_outbox').select(['id', 'topic', 'payload']).orderBy('created_at').orderBy('id').limit(batch).execute();
    if (rows.length === 0) return 0;
    const results = await Promise.allSettled(rows.map((r) => o.queue.publish({ name: r.topic, codec: bytesCodec }, fromRow(r.payload), { dedupKey: r.id })));
    const done = rows.filter((_, i) => results[i]!.status === 'fulfilled').map((r) => r.id);
    if (done.length > 0) await db.deleteFrom('surge_outbox').where('id', 'in', done).execute();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return rows.length;
  };

  // Coalesces flushes: while a relay runs, further flushes ask for one more pass, not one each.
  const run = (): void => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          while ((await round()) === batch && !closed);
        } while (again && !closed);
      } catch (err) {
        // The rows stay; the timer tries again.
        o.log.warn({ err }, 'outbox relay: publishing failed; retrying on the next poll');
      } finally {
        running = undefined;
      }
    })();
  };

  const timer = setInterval(run, pollMs);
  timer.unref();
  run();

  return {
    async add(trx, topic, data) {
      const row = { id: randomUUID(), ...toRow(topic, data), created_at: o.clock.now() };
      await (trx as unknown as Transaction<OutboxTables>).insertInto('surge_outbox').values(row).execute();
    },
    flush: run,
    async backlog() {
      const r = await db.selectFrom('surge_outbox').select((eb) => [eb.fn.countAll<number | string>().as('rows'), eb.fn.min('created_at').as('oldest')]).executeTakeFirst();
      const rows = Number(r?.rows ?? 0);
      return { rows, oldestAt: rows > 0 && r?.oldest != null ? Number(r.oldest) : undefined };
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}

const ENCODED = 'b64:';
const utf8 = new TextEncoder();

/** The row's topic and payload text: a typed topic's bytes in base64 behind ENCODED, else JSON. */
function toRow<T>(topic: string | Topic<T>, data: T): { topic: string; payload: string } {
  if (typeof topic === 'string') return { topic, payload: new TextDecoder().decode(jsonCodec.encode(data)) };
  return { topic: topic.name, payload: ENCODED + Buffer.from(topic.codec.encode(data)).toString('base64') };
}

/** The bytes to publish for a stored payload. JSON text never starts with ENCODED. */
function fromRow(payload: string): Uint8Array {
  return payload.startsWith(ENCODED) ? new Uint8Array(Buffer.from(payload.slice(ENCODED.length), 'base64')) : utf8.encode(payload);
}
