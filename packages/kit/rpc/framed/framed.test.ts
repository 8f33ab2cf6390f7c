import { describe, expect, it } from 'vitest';
import { systemClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { createCallContext } from '../context.js';
import { startEcho } from './testing/fixture.js';

const echoDef = EchoServiceDefinition.methods.echo;

async function failure(p: Promise<unknown>): Promise<SurgeError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof SurgeError)) throw new Error(`expected a SurgeError, got ${String(e)}`);
  return e;
}

describe('framed protocol over loopback', () => {
  it('round-trips a call: an int64 above 2^32, Chinese text, metadata and trace context', async () => {
    const f = await startEcho(async (req, ctx) => ({ message: `${req.message}|${ctx.metadata['x-request-id']}|${ctx.metadata.traceparent}|${ctx.metadata['名']}`, number: req.number + 1, remainingMs: -1 }));
    try {
      const big = 2 ** 40 + 7;
      const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const reply = await f.client.echo({ message: '你好，世界', number: big, hops: 0 }, { metadata: { 'x-request-id': 'r-1', traceparent: tp, 名: '值' } });
      expect(reply).toEqual({ message: `你好，世界|r-1|${tp}|值`, number: big + 1, remainingMs: -1 });
    } finally {
      await f.close();
    }
  });

  it('multiplexes 1,000 concurrent calls, each reply matched to its own request', async () => {
    const f = await startEcho(async (req) => {
      await new Promise((r) => setTimeout(r, req.number % 7));
      return { message: `m${req.number}`, number: req.number * 3, remainingMs: -1 };
    });
    try {
      const replies = await Promise.all(Array.from({ length: 1000 }, (_, i) => f.client.echo({ message: '', number: i, hops: 0 })));
      replies.forEach((r, i) => expect(r).toEqual({ message: `m${i}`, number: i * 3, remainingMs: -1 }));
      expect(f.transport.inFlight()).toBe(0);
      // Both connections carried calls (least-in-flight picking).
      expect(f.transport.stats().connections).toHaveLength(2);
    } finally {
      await f.close();
    }
  });

  it('keeps the Surge code, message and details of an error; hides unknown errors behind Internal', async () => {
    const f = await startEcho(async (req) => {
      if (req.hops === 1) throw new SurgeError(Code.FailedPrecondition, 'order 42 is already paid — 已支付', { details: { field: 'order', limit: 3.5, retry: false } });
      throw new Error('ER_NO_SUCH_TABLE: SELECT secret');
    });
    try {
      const e = await failure(f.client.echo({ message: '', number: 0, hops: 1 }));
      expect(e.code).toBe(Code.FailedPrecondition);
      expect(e.message).toBe('order 42 is already paid — 已支付');
      expect(e.details).toEqual({ field: 'order', limit: 3.5, retry: false });
      const internal = await failure(f.client.echo({ message: '', number: 0, hops: 0 }));
      expect(internal.code).toBe(Code.Internal);
      expect(internal.message).not.toContain('SELECT');
    } finally {
      await f.close();
    }
  });

  it('propagates the absolute deadline: a call with 50 ms left makes the nested calls see at most 50 ms', async () => {
    const f = await startEcho(async (req, ctx, self) => {
      if (req.hops > 0) return self.echo({ ...req, hops: req.hops - 1 }, { parent: ctx, timeoutMs: 10_000 });
      return { message: 'leaf', number: 0, remainingMs: Math.round(ctx.remainingMs()) };
    });
    try {
      const reply = await f.client.echo({ message: '', number: 0, hops: 3 }, { timeoutMs: 50 });
      expect(reply.remainingMs).toBeGreaterThan(0);
      expect(reply.remainingMs).toBeLessThanOrEqual(50);
      const free = await f.client.echo({ message: '', number: 0, hops: 2 }, { timeoutMs: 10_000 });
      expect(free.remainingMs).toBeGreaterThan(9_000);
    } finally {
      await f.close();
    }
  });

  it('does not start a call whose deadline passed on the way, and fails a slow call at its deadline', async () => {
    let started = 0;
    const f = await startEcho(async () => {
      started++;
      await new Promise((r) => setTimeout(r, 1000)); // ignores ctx.signal on purpose
      return { message: '', number: 0, remainingMs: -1 };
    });
    try {
      const t0 = performance.now();
      const e = await failure(f.client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 100 }));
      const took = performance.now() - t0;
      expect(e.code).toBe(Code.DeadlineExceeded);
      expect(took).toBeGreaterThanOrEqual(95);
      expect(took).toBeLessThan(400);
      expect(started).toBe(1);
      // A context whose deadline is already behind it: refused before any byte is sent or any handler runs.
      const ctx = createCallContext({ deadline: Date.now() - 1, clock: systemClock });
      const stale = await failure(f.transport.unary({ service: EchoServiceDefinition.fullName, method: echoDef.name, definition: echoDef, request: { message: '', number: 0, hops: 0 }, ctx }));
      expect(stale.code).toBe(Code.DeadlineExceeded);
      expect(started).toBe(1);
    } finally {
      await f.close();
    }
  });

  it('sends CANCEL when the caller gives up: the handler sees its signal abort', async () => {
    let aborted = 0;
    const f = await startEcho(
      (_req, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            aborted++;
            reject(new SurgeError(Code.Cancelled, 'stopped'));
          });
        }),
      { client: { cancelCheckMs: 5 } },
    );
    try {
      const ctx = createCallContext({ timeoutMs: 5000, clock: systemClock });
      const p = failure(f.transport.unary({ service: EchoServiceDefinition.fullName, method: echoDef.name, definition: echoDef, request: { message: '', number: 0, hops: 0 }, ctx }));
      await new Promise((r) => setTimeout(r, 30));
      ctx.cancel();
      expect((await p).code).toBe(Code.Cancelled);
      const end = Date.now() + 2000;
      while (aborted === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      expect(aborted).toBe(1);
      expect(f.server.stats().inFlight).toBe(0);
    } finally {
      await f.close();
    }
  });

  it('refuses oversized frames with PayloadTooLarge both ways, and the connection keeps working', async () => {
    const f = await startEcho(async (req) => ({ message: req.hops ? 'x'.repeat(5000) : req.message, number: 0, remainingMs: -1 }), { server: { maxFrameBytes: 1024 }, client: { maxFrameBytes: 2048 } });
    try {
      const tooBig = await failure(f.client.echo({ message: 'y'.repeat(2000), number: 0, hops: 0 }));
      expect(tooBig.code).toBe(Code.PayloadTooLarge);
      expect(tooBig.message).toContain('1024');
      const replyTooBig = await failure(f.client.echo({ message: '', number: 0, hops: 1 }));
      expect(replyTooBig.code).toBe(Code.PayloadTooLarge);
      expect(await f.client.echo({ message: 'ok', number: 1, hops: 0 })).toEqual({ message: 'ok', number: 0, remainingMs: -1 });
      expect(f.transport.state()).toBe('ready');
    } finally {
      await f.close();
    }
  });

  it('a reply that cannot be encoded fails alone with Internal; the replies around it in the same turn arrive intact', async () => {
    // number 1.5 is no int64: its encoding throws halfway through the frame, which is taken back.
    const f = await startEcho(async (req) => ({ message: `m${req.number}`.repeat(50), number: req.hops === 1 ? 1.5 : req.number, remainingMs: -1 }));
    try {
      const calls = Array.from({ length: 60 }, (_, i) => f.client.echo({ message: '', number: i, hops: i % 10 === 3 ? 1 : 0 }).then((r) => r, (e: unknown) => e));
      const results = await Promise.all(calls);
      results.forEach((r, i) => {
        if (i % 10 === 3) expect((r as SurgeError).code, `call ${i}`).toBe(Code.Internal);
        else expect(r, `call ${i}`).toEqual({ message: `m${i}`.repeat(50), number: i, remainingMs: -1 });
      });
      expect(f.transport.state()).toBe('ready');
    } finally {
      await f.close();
    }
  });

  it('finishes 10k echo calls at 64 in flight in well under a few seconds (not a benchmark)', async () => {
    const f = await startEcho(async (req) => ({ message: req.message, number: req.number, remainingMs: -1 }));
    try {
      await f.client.echo({ message: 'warm', number: 0, hops: 0 });
      let next = 0;
      let ok = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < 10_000) {
            const n = next++;
            const r = await f.client.echo({ message: 'hi', number: n, hops: 0 });
            if (r.number === n) ok++;
          }
        }),
      );
      const ms = performance.now() - t0;
      expect(ok).toBe(10_000);
      expect(ms).toBeLessThan(3000);
    } finally {
      await f.close();
    }
  });
});
