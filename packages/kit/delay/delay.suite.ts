// The behaviour every DelayStore must show, through the scheduler services use. Run by
// memory.test.ts and redis.test.ts. Time is a ManualClock shared by every scheduler of a test;
// tests wait for conditions (bounded), never for wall time to pass.
import { afterEach, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { ManualClock } from '#kit/clock';
import { createDelayScheduler, type DeadJob, type DelayScheduler, type DelaySchedulerOptions, type DelayStore, type DelayedJob } from './index.js';

/** Jobs of one test: a fresh namespace (Redis) or a fresh store (memory). */
export interface DelayBacking {
  /**
   * A store on this backing. Redis: a new connection each call, as another process would have;
   * memory: the one store, whose lifetime is the process's.
   */
  open(): Promise<DelayStore>;
  /** Releases a store from open() (Redis: disconnects it), as a process exiting would. */
  drop(store: DelayStore): Promise<void>;
}

export interface DelayHarness {
  backing(): Promise<DelayBacking>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls cond until it holds; fails after timeoutMs of real time (a bound, not a wait). */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await cond())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export function delaySuite(label: string, harness: DelayHarness): void {
  describe(`delayed jobs: ${label}`, () => {
    const schedulers: DelayScheduler[] = [];
    const backings: { backing: DelayBacking; stores: DelayStore[] }[] = [];
    afterEach(async () => {
      await Promise.all(schedulers.splice(0).map((s) => s.close()));
      for (const { backing, stores } of backings.splice(0)) for (const store of stores) await backing.drop(store);
    });

    async function setup() {
      const backing = await harness.backing();
      const stores: DelayStore[] = [];
      backings.push({ backing, stores });
      const clock = new ManualClock(Date.now());
      const open = async () => {
        const store = await backing.open();
        stores.push(store);
        return store;
      };
      const make = (store: DelayStore, options: Omit<DelaySchedulerOptions, 'store'> = {}) => {
        const s = createDelayScheduler({ clock, pollIntervalMs: 1000, onError: (err) => console.error(err, err.cause), ...options, store });
        schedulers.push(s);
        return s;
      };
      const idle = (store: DelayStore) => async () => {
        const c = await store.counts();
        return c.running === 0;
      };
      return { backing, clock, open, make, idle };
    }

    it('a job fires at its time and not before, once, with its data', async () => {
      const { clock, open, make, idle } = await setup();
      const store = await open();
      const fired: DelayedJob[] = [];
      const s = make(store, { handlers: { 'order.timeout': async (job) => void fired.push(job) } });
      const dueAt = clock.now() + 5000;
      await s.schedule({ id: 'order-close:1', topic: 'order.timeout', data: { orderId: 2 ** 40 + 1, note: '超时关闭' }, at: dueAt });
      clock.advance(4999);
      expect(await s.poll()).toBe(0);
      expect(fired).toHaveLength(0);
      clock.advance(1); // the tick at 5000 ms polls by itself
      await waitFor(() => fired.length === 1, 'the job to fire');
      expect(fired[0]).toEqual({ id: 'order-close:1', topic: 'order.timeout', data: { orderId: 2 ** 40 + 1, note: '超时关闭' }, dueAt, attempt: 1 });
      await waitFor(idle(store), 'the ack');
      clock.advance(60_000);
      expect(await s.poll()).toBe(0);
      expect(fired).toHaveLength(1);
      expect(await store.counts()).toEqual({ due: 0, running: 0, dead: 0 });
    });

    it('bytes are carried unchanged', async () => {
      const { open, make } = await setup();
      const store = await open();
      const got: Uint8Array[] = [];
      const s = make(store, { handlers: { raw: async (job: DelayedJob<Uint8Array>) => void got.push(job.data) } });
      const bytes = new Uint8Array([0, 10, 13, 255, 0x0a, 1, 2]);
      await s.schedule({ id: 'raw-1', topic: 'raw', data: bytes, delayMs: 0 });
      await waitFor(() => got.length === 1, 'the bytes job');
      expect(got[0]).toBeInstanceOf(Uint8Array);
      expect([...got[0]!]).toEqual([...bytes]);
    });

    it('cancel removes a job by id; scheduling an id again replaces the job', async () => {
      const { clock, open, make } = await setup();
      const store = await open();
      const fired: string[] = [];
      const s = make(store, { handlers: { t: async (job) => void fired.push(`${job.id}=${String(job.data)}`) } });
      await s.schedule({ id: 'a', topic: 't', data: 1, delayMs: 1000 });
      await s.schedule({ id: 'b', topic: 't', data: 1, delayMs: 1000 });
      await s.schedule({ id: 'c', topic: 't', data: 1, delayMs: 1000 });
      await s.schedule({ id: 'c', topic: 't', data: 2, delayMs: 3000 }); // moved later, new data
      expect(await s.cancel('a')).toBe(true);
      expect(await s.cancel('a')).toBe(false);
      expect(await s.cancel('never-scheduled')).toBe(false);
      clock.advance(1000);
      await s.poll();
      await waitFor(() => fired.length === 1, 'b to fire');
      clock.advance(1999);
      expect(await s.poll()).toBe(0);
      clock.advance(1);
      await s.poll();
      await waitFor(() => fired.length === 2, 'c to fire');
      clock.advance(10_000);
      await s.poll();
      expect(fired.sort()).toEqual(['b=1', 'c=2']);
    });

    it('a job scheduled in the past fires at once, without a tick', async () => {
      const { clock, open, make } = await setup();
      const store = await open();
      const fired: DelayedJob[] = [];
      const s = make(store, { handlers: { t: async (job) => void fired.push(job) } });
      const at = clock.now() - 60_000;
      await s.schedule({ id: 'late', topic: 't', data: null, at });
      await waitFor(() => fired.length === 1, 'the overdue job');
      expect(fired[0]).toMatchObject({ id: 'late', dueAt: at, attempt: 1 });
    });

    it('3 workers over one store fire each of 200 jobs exactly once', async () => {
      const { clock, open, make, idle } = await setup();
      const producer = make(await open()); // no handlers: it only schedules
      const perJob = new Map<string, number>();
      const perWorker = [0, 0, 0];
      const workerStores = await Promise.all([open(), open(), open()]);
      workerStores.forEach((store, w) =>
        make(store, {
          batchSize: 10,
          concurrency: 4,
          handlers: {
            'order.timeout': async (job) => {
              perJob.set(job.id, (perJob.get(job.id) ?? 0) + 1);
              perWorker[w]!++;
              await new Promise((r) => setImmediate(r)); // hold the slot across a turn, so workers interleave
            },
          },
        }),
      );
      const ids = Array.from({ length: 200 }, (_, i) => `order-${i}`);
      await Promise.all(ids.map((id, i) => producer.schedule({ id, topic: 'order.timeout', data: { i }, delayMs: 1000 })));
      clock.advance(1000);
      await waitFor(() => [...perJob.values()].reduce((a, b) => a + b, 0) >= 200, '200 firings', 20_000);
      await waitFor(idle(workerStores[0]!), 'every ack');
      clock.advance(120_000); // well past the visibility timeout: nothing is claimed again
      await Promise.all(schedulers.map((s) => s.poll()));
      expect(perJob.size).toBe(200);
      expect([...perJob.values()].filter((n) => n !== 1)).toEqual([]);
      expect(perWorker.reduce((a, b) => a + b, 0)).toBe(200);
      // Each worker's first poll claims its own slots, so all three share the work (about 66 each seen).
      expect(perWorker.filter((n) => n > 0).length).toBe(3);
      expect(await workerStores[0]!.counts()).toEqual({ due: 0, running: 0, dead: 0 });
    });

    it('a worker that claims a job and dies: the job fires again after the visibility timeout', async () => {
      const { clock, open, make, idle } = await setup();
      const dying = await open();
      const producer = make(await open()); // no handlers: it only schedules
      await producer.schedule({ id: 'j', topic: 't', data: 'x', delayMs: 1000 });
      clock.advance(1000);
      // The dying worker wins the claim and never settles it.
      const [stolen] = await dying.claim({ nowMs: clock.now(), limit: 10, visibilityMs: 5000, maxAttempts: 5 });
      expect(stolen?.attempt).toBe(1);
      const fired: DelayedJob[] = [];
      const survivorStore = await open();
      const survivor = make(survivorStore, { visibilityTimeoutMs: 5000, handlers: { t: async (job) => void fired.push(job) } });
      expect(await survivor.poll()).toBe(0);
      clock.advance(4999);
      expect(await survivor.poll()).toBe(0);
      clock.advance(1);
      await survivor.poll();
      await waitFor(() => fired.length === 1, 'the job to fire again');
      expect(fired[0]).toMatchObject({ id: 'j', data: 'x', attempt: 2 });
      await waitFor(idle(survivorStore), 'the ack');
      // The dead worker's late settle is refused: its claim is stale.
      expect(await dying.ack(stolen!)).toBe(false);
      expect(await dying.retry(stolen!, clock.now())).toBe(false);
      clock.advance(60_000);
      expect(await survivor.poll()).toBe(0);
      expect(fired).toHaveLength(1);
    });

    it('a handler that outlives the visibility timeout extends its claim and is not fired twice', async () => {
      const { clock, open, make } = await setup();
      const store = await open(); // one connection for both, so extensions and claims stay in order
      const gate = deferred();
      let firings = 0;
      const handlers = {
        t: async () => {
          firings++;
          await gate.promise;
        },
      };
      const a = make(store, { visibilityTimeoutMs: 3000, handlers });
      const b = make(store, { visibilityTimeoutMs: 3000, handlers });
      await a.schedule({ id: 'slow', topic: 't', data: 0, delayMs: 0 });
      await waitFor(() => firings === 1, 'the first firing');
      for (let i = 0; i < 10; i++) {
        clock.advance(1000);
        await Promise.all([a.poll(), b.poll()]);
      }
      const firingsWhileHeld = firings;
      gate.resolve(); // before asserting, so a failure does not leave close() waiting on the handler
      expect(firingsWhileHeld).toBe(1);
      await waitFor(async () => (await store.counts()).running === 0, 'the ack');
      expect(await store.counts()).toEqual({ due: 0, running: 0, dead: 0 });
    });

    it('a job cancelled or replaced while its handler runs: the old outcome is ignored', async () => {
      const { clock, open, make } = await setup();
      const store = await open();
      const gate = deferred();
      const fired: string[] = [];
      const s = make(store, {
        maxAttempts: 1,
        handlers: {
          t: async (job) => {
            fired.push(`${job.id}=${String(job.data)}`);
            if (job.data === 'old') await gate.promise;
            if (job.id === 'replaced' && job.data === 'old') throw new Error('would bury the new job if its claim still counted');
          },
        },
      });
      await s.schedule({ id: 'cancelled', topic: 't', data: 'old', delayMs: 0 });
      await s.schedule({ id: 'replaced', topic: 't', data: 'old', delayMs: 0 });
      await waitFor(() => s.running === 2, 'both handlers');
      expect(await s.cancel('cancelled')).toBe(true);
      await s.schedule({ id: 'replaced', topic: 't', data: 'new', delayMs: 1000 });
      gate.resolve();
      await waitFor(() => s.running === 0, 'the old handlers to settle');
      expect(await store.counts()).toEqual({ due: 1, running: 0, dead: 0 });
      clock.advance(1000);
      await s.poll();
      await waitFor(() => fired.length === 3, 'the replacement');
      expect(fired.sort()).toEqual(['cancelled=old', 'replaced=new', 'replaced=old']);
      await waitFor(async () => (await store.counts()).running === 0, 'the ack');
      expect(await store.counts()).toEqual({ due: 0, running: 0, dead: 0 });
    });

    it('a failing handler is retried after its back-off, then dead-lettered', async () => {
      const { clock, open, make } = await setup();
      const store = await open();
      const attempts: number[] = [];
      const dead: DeadJob[] = [];
      const s = make(store, {
        maxAttempts: 3,
        backoffMs: [1000, 2000],
        onDead: (d) => void dead.push(d),
        handlers: {
          t: async (job) => {
            attempts.push(job.attempt);
            throw new Error(`payment service said no\n(attempt ${job.attempt})`);
          },
        },
      });
      const settled = async () => {
        const c = await store.counts();
        return c.running === 0;
      };
      await s.schedule({ id: 'poison', topic: 't', data: { n: 1 }, delayMs: 0 });
      await waitFor(() => attempts.length === 1, 'attempt 1');
      await waitFor(settled, 'the retry to be stored');
      clock.advance(999);
      expect(await s.poll()).toBe(0);
      clock.advance(1);
      await s.poll();
      await waitFor(() => attempts.length === 2, 'attempt 2');
      await waitFor(settled, 'the retry to be stored');
      clock.advance(1999);
      expect(await s.poll()).toBe(0);
      clock.advance(1);
      await s.poll();
      await waitFor(() => dead.length === 1, 'the dead letter');
      expect(attempts).toEqual([1, 2, 3]);
      expect(dead[0]).toMatchObject({ attempts: 3, reason: 'payment service said no (attempt 3)', job: { id: 'poison', topic: 't' } });
      const letters = await s.deadLetters();
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ attempts: 3, reason: 'payment service said no (attempt 3)', deadAt: clock.now(), job: { id: 'poison', topic: 't', json: true } });
      expect(JSON.parse(new TextDecoder().decode(letters[0]!.job.body))).toEqual({ n: 1 });
      expect(await store.counts()).toEqual({ due: 0, running: 0, dead: 1 });
      clock.advance(600_000);
      expect(await s.poll()).toBe(0);
      expect(attempts).toHaveLength(3);
      // Scheduling the id again takes it out of the dead letters.
      await s.schedule({ id: 'poison', topic: 't', data: { n: 2 }, delayMs: 60_000 });
      expect(await store.counts()).toEqual({ due: 1, running: 0, dead: 0 });
    });

    it('a claim that runs out on the last attempt is dead-lettered, not fired forever', async () => {
      const { clock, open, make } = await setup();
      const dying = await open();
      const s = make(await open(), { handlers: {} });
      await s.schedule({ id: 'kills-workers', topic: 't', data: 0, delayMs: 0 });
      for (let i = 1; i <= 2; i++) {
        const claims = await dying.claim({ nowMs: clock.now(), limit: 1, visibilityMs: 1000, maxAttempts: 2 });
        expect(claims.map((c) => c.attempt)).toEqual([i]);
        clock.advance(1000);
      }
      expect(await dying.claim({ nowMs: clock.now(), limit: 1, visibilityMs: 1000, maxAttempts: 2 })).toEqual([]);
      const [letter] = await dying.deadLetters(10);
      expect(letter).toMatchObject({ attempts: 2, job: { id: 'kills-workers' } });
      expect(letter!.reason).toMatch(/visibility timeout/);
    });

    it('a job whose topic has no handler here fails its attempts and is dead-lettered', async () => {
      const { open, make } = await setup();
      const dead: DeadJob[] = [];
      const s = make(await open(), { maxAttempts: 1, onDead: (d) => void dead.push(d), handlers: { known: async () => {} } });
      await s.schedule({ id: 'u', topic: 'unknown.topic', data: 0, delayMs: 0 });
      await waitFor(() => dead.length === 1, 'the dead letter');
      expect(dead[0]!.reason).toMatch(/no handler for topic unknown\.topic/);
    });

    it('jobs survive closing the scheduler and its store and opening new ones', async () => {
      const { clock, open, make, backing } = await setup();
      const before = await open();
      const first = make(before, { handlers: { t: async () => {} } });
      await first.schedule({ id: 'd1', topic: 't', data: { n: 1 }, delayMs: 1000 });
      await first.schedule({ id: 'd2', topic: 't', data: new Uint8Array([7, 0, 7]), delayMs: 2000 });
      await first.close();
      await backing.drop(before);
      clock.advance(5000); // due while nothing runs
      const fired: DelayedJob[] = [];
      const after = await open();
      make(after, { handlers: { t: async (job) => void fired.push(job) } }); // polls at start
      await waitFor(() => fired.length === 2, 'both jobs after the restart');
      const byId = Object.fromEntries(fired.map((j) => [j.id, j.data]));
      expect(byId.d1).toEqual({ n: 1 });
      expect([...(byId.d2 as Uint8Array)]).toEqual([7, 0, 7]);
    });

    it('close waits for running handlers, then stops polling and refuses new jobs', async () => {
      const { clock, open, make } = await setup();
      const store = await open();
      const gate = deferred();
      const fired: string[] = [];
      const s = make(store, {
        handlers: {
          t: async (job) => {
            fired.push(job.id);
            if (job.id === 'slow') await gate.promise;
          },
        },
      });
      await s.schedule({ id: 'slow', topic: 't', data: 0, delayMs: 0 });
      await s.schedule({ id: 'later', topic: 't', data: 0, delayMs: 1000 });
      await waitFor(() => s.running === 1, 'the slow handler');
      let closed = false;
      const closing = s.close().then(() => (closed = true));
      await sleep(10);
      expect(closed).toBe(false);
      gate.resolve();
      await closing;
      expect(s.running).toBe(0);
      expect(await store.counts()).toEqual({ due: 1, running: 0, dead: 0 }); // the slow job was acked
      clock.advance(5000);
      expect(await s.poll()).toBe(0);
      expect(fired).toEqual(['slow']);
      await expect(s.schedule({ id: 'x', topic: 't', data: 0, delayMs: 0 })).rejects.toMatchObject({ code: Code.FailedPrecondition });
      await s.close(); // idempotent
    });
  });
}
