import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createEventStream, formatEvent, type EventProducerContext, type ServerSentEvent } from './index.js';

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * A producer that counts what it was asked for and whether its finally ran. Bounded (100,000
 * events) so a regression that pulls without pause fails an assertion instead of hanging.
 */
function counting(limit = 100_000) {
  const state = { produced: 0, finished: false, ctx: undefined as EventProducerContext | undefined };
  const producer = async function* (ctx: EventProducerContext): AsyncGenerator<ServerSentEvent> {
    state.ctx = ctx;
    try {
      while (state.produced < limit) yield { id: String(++state.produced), data: { n: state.produced, pad: 'x'.repeat(40) } };
    } finally {
      state.finished = true;
    }
  };
  return { state, producer };
}

/** A socket whose writes are held until released: write() returns false once its one-byte buffer is used. */
function slowSocket() {
  const held: (() => void)[] = [];
  const chunks: string[] = [];
  const socket = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, callback) {
      chunks.push(chunk.toString());
      held.push(callback);
    },
  });
  return { socket, chunks, release: () => held.splice(0).forEach((cb) => cb()) };
}

describe('event format', () => {
  it('writes id, event, retry and one data line per line', () => {
    expect(formatEvent({ id: '7', event: 'like', retry: 5000, data: 'one\ntwo\r\nthree' })).toBe('id: 7\nevent: like\nretry: 5000\ndata: one\ndata: two\ndata: three\n\n');
    expect(formatEvent({ data: { a: 1 } })).toBe('data: {"a":1}\n\n');
  });

  it('refuses an id or event that would inject a field', () => {
    expect(() => formatEvent({ id: '1\ndata: forged', data: '' })).toThrow(SurgeError);
    expect(() => formatEvent({ event: 'x\r\nid: 9', data: '' })).toThrow(/event/);
  });
});

describe('event stream', () => {
  it('stops asking the producer for events while the socket refuses writes, and resumes when it drains', async () => {
    const { state, producer } = counting();
    const { socket, chunks, release } = slowSocket();
    const stream = createEventStream(producer, { heartbeatMs: 0, highWaterMarkBytes: 256 });
    stream.pipe(socket);
    await turns(20);
    const whileBlocked = state.produced;
    // At most the stream's 256-byte buffer (~70 bytes an event) plus the one being written.
    expect(whileBlocked).toBeGreaterThan(0);
    expect(whileBlocked).toBeLessThanOrEqual(6);
    await turns(50);
    expect(state.produced).toBe(whileBlocked);
    for (let i = 0; i < 10; i++) {
      release();
      await turns(2);
    }
    expect(state.produced).toBeGreaterThan(whileBlocked);
    // In order, none lost: the ids written so far run 1, 2, 3, ...
    const ids = chunks.join('').match(/^id: (\d+)$/gm)!.map((l) => Number(l.slice(4)));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    stream.destroy();
  });

  it('yields the event loop to others while a ready producer meets a consumer that always takes', async () => {
    const { state, producer } = counting();
    const stream = createEventStream(producer, { heartbeatMs: 0 });
    stream.resume();
    await turns(1);
    // 32 events between turns of the loop; pulling without pause would have produced all 100,000.
    expect(state.produced).toBeLessThanOrEqual(64);
    stream.destroy();
  });

  it('stops the producer when the consumer goes away: its finally runs and its signal aborts', async () => {
    const { state, producer } = counting();
    const stream = createEventStream(producer, { heartbeatMs: 0, highWaterMarkBytes: 256 });
    stream.resume();
    await turns(5);
    stream.destroy();
    await turns(5);
    const atClose = state.produced;
    expect(state.finished).toBe(true);
    expect(state.ctx!.signal.aborted).toBe(true);
    expect((state.ctx!.signal.reason as SurgeError).code).toBe(Code.Cancelled);
    await turns(20);
    expect(state.produced).toBe(atClose);
  });

  it('sends a heartbeat comment every heartbeatMs of the injected clock, only while nothing is buffered', async () => {
    const clock = new ManualClock();
    const stream = createEventStream(async function* ({ signal }) {
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
    }, { heartbeatMs: 15_000, clock });
    const opening = String(stream.read());
    expect(opening).toBe(': stream open\n\n');
    clock.advance(14_999);
    expect(stream.read()).toBeNull();
    clock.advance(1);
    expect(String(stream.read())).toBe(': heartbeat\n\n');
    // Two beats while the buffer still holds the first: only one is queued.
    clock.advance(15_000);
    clock.advance(15_000);
    expect(String(stream.read())).toBe(': heartbeat\n\n');
    stream.destroy();
  });

  it('hands the producer Last-Event-ID, sends retry first, and ends when the producer does', async () => {
    const stream = createEventStream(async function* ({ lastEventId }) {
      const from = Number(lastEventId);
      for (let id = from + 1; id <= from + 3; id++) yield { id: String(id), data: 'x' };
    }, { lastEventId: '41', retryMs: 2000, heartbeatMs: 0 });
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    expect(text).toBe('retry: 2000\n\nid: 42\ndata: x\n\nid: 43\ndata: x\n\nid: 44\ndata: x\n\n');
  });

  it('close() ends the stream and stops the producer', async () => {
    const { state, producer } = counting();
    const stream = createEventStream(producer, { heartbeatMs: 0, highWaterMarkBytes: 128 });
    const done = new Promise((resolve) => stream.on('end', resolve));
    stream.resume();
    await turns(3);
    stream.close();
    await done;
    await turns(3);
    expect(state.finished).toBe(true);
  });

  it('refuses bad options at construction', () => {
    expect(() => createEventStream(counting().producer, { heartbeatMs: -1 })).toThrow(/heartbeatMs/);
    expect(() => createEventStream(counting().producer, { highWaterMarkBytes: 0 })).toThrow(/highWaterMarkBytes/);
  });
});
