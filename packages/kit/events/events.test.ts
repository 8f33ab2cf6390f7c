// Typed topics: the codec round trip, "required" in proto3 enforced on both sides, the last
// release's JSON read for one release; and through the queue (memory and real NATS) and the
// outbox: a consumer gets the publisher's message, and a payload that does not decode is
// dead-lettered on its first delivery without the handler ever running.
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { systemClock } from '#kit/clock';
import { Code } from '#kit/errors';
import { createOutbox, outboxMigrations, type OutboxTables } from '#kit/outbox';
import { bytesCodec, connectJetStreamQueue, createMemoryQueue, deadLetterHeader, streamName, type Queue, type QueueMessage } from '#kit/queue';
import { requireServer, servers, testDatabases } from '#kit/testing';
import { EchoRequest } from '#gen/surge/echo/v1/echo';
import { defineTopic, requireId } from './index.js';

/** A stand-in event: EchoRequest with `number` as its required id. */
const topicNamed = (name: string) => defineTopic(name, EchoRequest, (event) => requireId(event.number, 'number'));
const SAID = topicNamed('echo.said');
const utf8 = (text: string) => new TextEncoder().encode(text);
let seq = 0;
const fresh = (base: string) => `${base}.t${Date.now().toString(36)}-${process.pid}-${++seq}`;

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('defineTopic', () => {
  it('round-trips a message through its codec as protobuf', () => {
    const bytes = SAID.codec.encode({ message: 'hi', number: 42, hops: 0 });
    expect(bytes[0]).toBe(0x0a); // field 1, length-delimited: protobuf, not JSON
    expect(SAID.codec.decode(bytes)).toEqual({ message: 'hi', number: 42, hops: 0 });
  });

  it('refuses at publish what its check refuses (0 is proto3 for "never set")', () => {
    expect(() => SAID.codec.encode({ message: 'hi', number: 0, hops: 0 })).toThrow(expect.objectContaining({ code: Code.InvalidArgument, details: expect.objectContaining({ field: 'number' }) }));
    expect(() => SAID.codec.encode(null as never)).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
  });

  it('fails to decode bytes that are not the message, or lack what the check requires', () => {
    expect(() => SAID.codec.decode(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
    expect(() => SAID.codec.decode(new Uint8Array([0x10]))).toThrow(expect.objectContaining({ code: Code.InvalidArgument })); // truncated varint
    expect(() => SAID.codec.decode(EchoRequest.encode({ message: 'no id', number: 0, hops: 0 }).finish())).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'number' }) }));
    expect(() => SAID.codec.decode(new Uint8Array(0))).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'number' }) }));
  });

  it("reads the last release's JSON events: known fields by type, unknown ones dropped, a wrong type refused", () => {
    expect(SAID.codec.decode(utf8('{"message":"old","number":7,"extra":true}'))).toEqual({ message: 'old', number: 7, hops: 0 });
    expect(() => SAID.codec.decode(utf8('{"message":"old","number":"7"}'))).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'number' }) }));
    expect(() => SAID.codec.decode(utf8('{"message":"no id"}'))).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'number' }) }));
    expect(() => SAID.codec.decode(utf8('{"number":'))).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
  });

  it('refuses a bad definition when it is made', () => {
    expect(() => defineTopic('nodots', EchoRequest)).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'name' }) }));
    expect(() => defineTopic('echo.said', {} as never)).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'message' }) }));
    expect(Object.isFrozen(SAID) && Object.isFrozen(SAID.codec)).toBe(true);
  });
});

/** The same behaviour on every queue adapter. */
function typedQueueSuite(name: string, open: () => Promise<Queue>): void {
  describe(`typed topics on the ${name} queue`, () => {
    const queues: Queue[] = [];
    afterAll(async () => {
      for (const queue of queues) await queue.close();
    });
    const start = async () => {
      const queue = await open();
      queues.push(queue);
      return queue;
    };

    it('hands the consumer the message the publisher sent, decoded', async () => {
      const queue = await start();
      const topic = topicNamed(fresh('echo.said'));
      const got: QueueMessage<EchoRequest>[] = [];
      await queue.subscribe(topic, 'typed', async (m) => void got.push(m));
      await queue.publish(topic, { message: 'hello', number: 9, hops: 2 });
      await waitFor(() => got.length === 1);
      expect(got[0]!.data).toEqual({ message: 'hello', number: 9, hops: 2 });
    });

    it('dead-letters a payload that does not decode on its first delivery; the handler never runs', async () => {
      const queue = await start();
      const topic = topicNamed(fresh('echo.said'));
      let handled = 0;
      const dead: QueueMessage<Uint8Array>[] = [];
      await queue.subscribe({ name: `${topic.name}.dead`, codec: bytesCodec }, 'watch', async (m) => void dead.push(m));
      // maxAttempts 5 and a long back-off: a retry would show as a missing dead letter within the wait.
      await queue.subscribe(topic, 'typed', async () => void handled++, { maxAttempts: 5, backoffMs: [60_000] });
      const raw = { name: topic.name, codec: bytesCodec };
      await queue.publish(raw, new Uint8Array([0xff, 0xff, 0xff]), { dedupKey: `${topic.name}-garbage` });
      await queue.publish(raw, EchoRequest.encode({ message: 'no id', number: 0, hops: 0 }).finish(), { dedupKey: `${topic.name}-no-id` });
      await queue.publish(raw, utf8('{"message":"old","number":"x"}'), { dedupKey: `${topic.name}-bad-json` });
      await waitFor(() => dead.length === 3);
      const byId = new Map(dead.map((m) => [m.id, m]));
      for (const id of ['garbage', 'no-id', 'bad-json']) {
        const letter = byId.get(`${topic.name}-${id}`)!;
        expect(letter.headers[deadLetterHeader.attempts]).toBe('1');
        expect(letter.headers[deadLetterHeader.group]).toBe('typed');
        expect(letter.headers[deadLetterHeader.error]).toMatch(/^payload could not be decoded: /);
      }
      expect(byId.get(`${topic.name}-no-id`)!.headers[deadLetterHeader.error]).toContain('number');
      // The dead letter carries the bytes unchanged, to inspect or replay.
      expect([...byId.get(`${topic.name}-garbage`)!.data]).toEqual([0xff, 0xff, 0xff]);
      expect(handled).toBe(0);
    });
  });
}

typedQueueSuite('memory', async () => createMemoryQueue());

const hasNats = await requireServer(servers.nats);
describe.skipIf(!hasNats)('with NATS', () => {
  const namespace = `test_events_${Date.now().toString(36)}_${process.pid}`;
  const url = `nats://${servers.nats.host}:${servers.nats.port}`;
  afterAll(async () => {
    const nc = await connect({ servers: url });
    try {
      await (await jetstreamManager(nc)).streams.delete(streamName(namespace));
    } finally {
      await nc.close();
    }
  });
  typedQueueSuite('JetStream', () => connectJetStreamQueue({ servers: url, namespace, name: 'surge-events-test' }));
});

const log = pino({ level: 'silent' });
const kinds = await testDatabases();
const sqlite = kinds[0]!;
describe.skipIf(!sqlite.available)(`typed topics through the outbox on ${sqlite.name}`, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await sqlite.cleanup();
  });

  it('stores the encoded message with its fact and relays it; a JSON row of the last release still reaches the consumer', async () => {
    const sdb = await sqlite.open<OutboxTables>('events', outboxMigrations);
    const queue = createMemoryQueue();
    cleanups.push(() => queue.close());
    const got: EchoRequest[] = [];
    await queue.subscribe(SAID, 'typed', async (m) => void got.push(m.data));
    const outbox = createOutbox({ db: sdb, queue, clock: systemClock, log, pollMs: 60_000 });
    cleanups.push(() => outbox.close());
    await sdb.transaction(async (trx) => {
      await outbox.add(trx, SAID, { message: 'new', number: 1, hops: 0 });
      // As the previous release wrote it: the topic's name and JSON.
      await trx.insertInto('surge_outbox').values({ id: 'old-row', topic: SAID.name, payload: '{"message":"old","number":2}', created_at: 0 }).execute();
    });
    const rows = await sdb.db.selectFrom('surge_outbox').select(['topic', 'payload']).orderBy('created_at').execute();
    expect(rows.map((r) => r.payload.slice(0, 4))).toEqual(['{"me', 'b64:']);
    outbox.flush();
    await waitFor(() => got.length === 2);
    expect(got.sort((x, y) => x.number - y.number)).toEqual([
      { message: 'new', number: 1, hops: 0 },
      { message: 'old', number: 2, hops: 0 },
    ]);
  });

  it('refuses in the transaction a message the check refuses, so the fact does not commit either', async () => {
    const sdb = await sqlite.open<OutboxTables>('events', outboxMigrations);
    const queue = createMemoryQueue();
    cleanups.push(() => queue.close());
    const outbox = createOutbox({ db: sdb, queue, clock: systemClock, log, pollMs: 60_000 });
    cleanups.push(() => outbox.close());
    await expect(sdb.transaction((trx) => outbox.add(trx, SAID, { message: 'no id', number: 0, hops: 0 }))).rejects.toMatchObject({ code: Code.InvalidArgument });
    expect(await sdb.db.selectFrom('surge_outbox').selectAll().execute()).toEqual([]);
  });
});
