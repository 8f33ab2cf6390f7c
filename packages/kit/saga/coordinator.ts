// The saga coordinator, embedded in the service that starts the transactions (DTM runs it as a
// server of its own; Surge runs one per instance over the service's database, decision 58).
// run() writes the transaction before its first branch and drives it at once; start()'s loop
// resumes transactions whose owner stopped renewing its lease (a crash, as DTM's cron re-drives
// unfinished ones) and deletes finished ones past retention. stuck() and retry(gid) are the
// operator's side.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import { readGauge, sharedCounter } from '#kit/observability';
import { startEvery, type EveryJob } from '#kit/clock';
import { Code, SurgeError, errors } from '#kit/errors';
import { checkLimit } from '#kit/rules';
import { checkRefPart } from './barrier.js';
import type { SagaDefinition } from './definition.js';
import { drive, type DriveDeps } from './driver.js';
import { resolveSagaOptions, type SagaCoordinatorOptions } from './options.js';
import { loadStuck, takeStuck } from './stuck.js';
import { outcomeOfRow, stepName, stuckSagaOf, type SagaOutcome, type StuckSaga } from './outcome.js';
import { SagaStore, type SagaRow } from './store.js';

export interface SagaCoordinator {
  /**
   * Starts a transaction of a saga given to this coordinator and drives it now; resolves with how
   * it ended ('pending' when this instance stopped first: another resumes it). The row is written
   * before the first branch runs, so a crash at any point leaves it to be resumed. A gid (default
   * a random UUID) that exists already starts nothing: the outcome is that transaction's.
   * alongside: the caller's own writes in the coordinator's database (an idempotency key), made in
   * the local transaction that writes the new row, so both commit or neither; not called when the
   * gid exists. When it throws, nothing is written and run() rejects with its error.
   */
  run<P>(saga: SagaDefinition<P>, payload: P, options?: { gid?: string; alongside?: (trx: Kysely<any>) => Promise<void> }): Promise<SagaOutcome>;
  /** Starts the background loop: resume expired leases every pollMs (at once too), prune once a minute. */
  start(): void;
  /** Claims the transactions whose lease ran out now and drives them; resolves when those drives end. */
  resumeExpired(): Promise<SagaOutcome[]>;
  /** Deletes finished transactions older than retentionMs; resolves how many. */
  prune(): Promise<number>;
  /** Transactions waiting for an operator, longest waiting first (default 100, at most 1000). */
  stuck(limit?: number): Promise<StuckSaga[]>;
  /** Takes a stuck transaction up again where it stopped, with fresh attempts; resolves with how it ended. */
  retry(gid: string): Promise<SagaOutcome>;
  /** Stops the loop and every drive at its next step (branch calls in flight get the abort and are awaited). */
  close(): Promise<void>;
}

/** How often the loop deletes old finished transactions, and how many one statement deletes. */
const PRUNE_EVERY_MS = 60_000;
const PRUNE_BATCH = 500;

export function createSagaCoordinator(options: SagaCoordinatorOptions): SagaCoordinator {
  const o = resolveSagaOptions(options);
  const store = new SagaStore(o.db);
  const closing = new AbortController();
  // Every drive in flight listens for the close (keepLease): as many listeners as drives, by design.
  setMaxListeners(0, closing.signal);
  const driving = new Map<string, Promise<SagaOutcome>>();
  const finished = transactionsCounter(o.registry);
  // Every saga of this coordinator reports, at 0 when none waits: an alert compares, it never guesses from absence.
  const unread = readGauge(o.registry, STUCK, async () => {
    const counts = await store.countStuck();
    return [...o.sagas.keys()].map((saga) => ({ labels: { saga }, value: counts.get(saga) ?? 0 }));
  });
  const deps: DriveDeps = { store, options: o, closing: closing.signal, count: (saga, outcome) => finished.inc({ saga, outcome }) };
  let loop: EveryJob | undefined;
  let started = false;
  let lastPrune = -Infinity;

  const refuseWhenClosed = () => {
    if (closing.signal.aborted) throw new SurgeError(Code.Unavailable, 'the saga coordinator is closed', { details: { dependency: 'saga coordinator' } });
  };

  /** counted: the row already counts its next call (run() wrote it so). */
  const launch = (row: SagaRow, saga: SagaDefinition<unknown>, counted = false): Promise<SagaOutcome> => {
    const driven = drive(row, saga, deps, counted).finally(() => driving.delete(row.gid));
    driving.set(row.gid, driven);
    return driven;
  };

  const claimExpired = async (): Promise<Promise<SagaOutcome>[]> => {
    const room = o.concurrency - driving.size;
    if (closing.signal.aborted || room <= 0) return [];
    const now = o.clock.now();
    const launched: Promise<SagaOutcome>[] = [];
    for (const gid of await store.expired([...o.sagas.keys()], now, room)) {
      // Still driven here (its renewals failed for a while): the drive carries on or notices the loss.
      if (driving.has(gid) || closing.signal.aborted) continue;
      const row = await store.claim(gid, o.owner, now, now + o.leaseMs);
      if (!row) continue; // another instance claimed it first
      o.log.info({ gid, saga: row.saga, phase: row.phase, step: row.step }, 'saga: resuming a transaction whose lease ran out');
      launched.push(launch(row, o.sagas.get(row.saga)!));
    }
    return launched;
  };

  const prune = async (): Promise<number> => {
    const before = o.clock.now() - o.retentionMs;
    let total = 0;
    for (;;) {
      const deleted = await store.pruneFinished(before, PRUNE_BATCH);
      total += deleted;
      if (deleted < PRUNE_BATCH || closing.signal.aborted) return total;
    }
  };

  const tick = async () => {
    await claimExpired();
    if (o.clock.monotonic() - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = o.clock.monotonic();
      await prune();
    }
  };

  return {
    async run(saga, payload, runOptions = {}) {
      refuseWhenClosed();
      if (o.sagas.get(saga?.name) !== saga) throw errors.invalid('saga', `${String(saga?.name)} is not one of this coordinator's sagas`);
      const gid = runOptions.gid === undefined ? randomUUID() : checkRefPart('gid', runOptions.gid);
      const json = encodePayload(payload, o.maxPayloadBytes);
      const now = o.clock.now();
      const created = await store.create({
        gid, saga: saga.name, payload: json, owner: o.owner, leaseUntil: now + o.leaseMs, now, branches: saga.branches.map((b) => b.name),
        ...(runOptions.alongside ? { alongside: runOptions.alongside } : {}),
      });
      if (!created) {
        const existing = await store.load(gid);
        if (!existing || existing.saga !== saga.name) throw errors.exists('gid');
        return outcomeOfRow(existing);
      }
      return launch(created, saga as SagaDefinition<unknown>, true);
    },

    start() {
      if (started || closing.signal.aborted) return;
      started = true;
      loop = startEvery({
        clock: o.clock,
        everyMs: o.pollMs,
        run: tick,
        runAtStart: true,
        // The database is failing: nothing was claimed or deleted half-way; the next tick tries again.
        onError: (err) => o.log.warn({ err }, 'saga: resume loop failed; trying again at the next poll'),
      });
    },

    async resumeExpired() {
      return Promise.all(await claimExpired());
    },

    prune,

    async stuck(limit = 0) {
      const rows = await store.stuck(checkLimit(limit, { max: 1000, byDefault: 100 }));
      return rows.map((row) => stuckSagaOf(row, o.sagas.get(row.saga)?.branches[row.step]?.name ?? stepName(row.step)));
    },

    async retry(gid) {
      refuseWhenClosed();
      const row = await loadStuck(store, gid);
      const saga = o.sagas.get(row.saga);
      if (!saga) throw new SurgeError(Code.FailedPrecondition, `saga ${row.saga} is not one of this coordinator's sagas`, { details: { field: 'gid' } });
      const now = o.clock.now();
      const taken = await takeStuck(store, gid, o.owner, now, now + o.leaseMs);
      o.log.info({ gid, saga: saga.name, phase: taken.phase, step: taken.step }, 'saga: retrying a stuck transaction');
      return launch(taken, saga);
    },

    async close() {
      unread();
      closing.abort();
      await loop?.close();
      await Promise.allSettled([...driving.values()]);
    },
  };
}

function encodePayload(payload: unknown, maxBytes: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (err) {
    throw new SurgeError(Code.InvalidArgument, 'payload: not representable as JSON', { details: { field: 'payload' }, cause: err });
  }
  if (json === undefined) throw errors.invalid('payload', 'a JSON value');
  if (Buffer.byteLength(json) > maxBytes) throw errors.invalid('payload', `at most ${maxBytes} bytes as JSON`);
  return json;
}

/** surge_saga_transactions_total, shared by the coordinators registered on one registry. */
const transactionsCounter = (registry: Registry) =>
  sharedCounter(registry, { name: 'surge_saga_transactions_total', help: 'Saga transactions this process ended, by saga and outcome (succeeded, compensated, stuck: waiting for an operator).', labelNames: ['saga', 'outcome'] });

const STUCK = { name: 'surge_saga_stuck_transactions', help: 'Saga transactions waiting for an operator (status stuck) in this coordinator\'s database, by saga.', labelNames: ['saga'] } as const;
