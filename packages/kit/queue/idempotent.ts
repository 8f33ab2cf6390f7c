// Idempotent consumer: at-least-once delivery plus a claim per key makes the handler's work run to
// completion at most once per key. Claim (atomic set-if-absent) before running, release on failure
// so the retry can run, and keep the key as done for ttlMs after success.
// Which to use (docs/decisions.md): when the handler's effect is a write to the consumer's own
// database, kit/outbox applyOnce records the key in the same transaction and is exact. This one is
// for effects no transaction can hold together with a key (a text message sent, a payment provider
// called, a file stored): exact while the claim holds, but a process that dies after the effect
// and before complete() lets a redelivery run it again once claimTtlMs has passed.
import { randomUUID } from 'node:crypto';
import { Code, errors, SurgeError } from '#kit/errors';
import type { MessageHandler, QueueMessage } from './types.js';

/** What a claim found: the key is now ours, another delivery is running it, or it already ran. */
export type ClaimResult = 'claimed' | 'running' | 'done';

/** Where claims live: memory for one process, Redis across processes. */
export interface DedupStore {
  /** Atomically takes the key for ttlMs if nobody holds it; `token` marks the claim as the caller's. */
  claim(key: string, token: string, ttlMs: number): Promise<ClaimResult>;
  /** Marks the key done for ttlMs: later deliveries are skipped. */
  complete(key: string, ttlMs: number): Promise<void>;
  /** Drops the claim if `token` still holds it, so a retry can run (never another delivery's claim). */
  release(key: string, token: string): Promise<void>;
}

export interface IdempotentOptions<T> {
  /** Required. */
  store: DedupStore;
  /** Required. The business identity of a message (e.g. `like:${userId}:${videoId}`, or msg.id). */
  key: (msg: QueueMessage<T>) => string;
  /** How long a completed key is remembered. Default 24 h: longer than any redelivery or publisher retry. */
  ttlMs?: number;
  /**
   * How long a claim lasts if its process dies mid-run; set it above the handler's longest run, or a
   * slow run may be duplicated. Default 60000.
   */
  claimTtlMs?: number;
  /** Claim tokens. Default crypto.randomUUID. */
  newToken?: () => string;
}

/** Thrown when another delivery holds the key: the queue retries later and then sees it done. */
export function inProgress(key: string): SurgeError {
  return new SurgeError(Code.FailedPrecondition, 'another delivery of this message is running; retry later', { details: { key } });
}

export function idempotent<T>(handler: MessageHandler<T>, options: IdempotentOptions<T>): MessageHandler<T> {
  if (typeof handler !== 'function') throw errors.invalid('handler', 'a function');
  const { store, key } = options ?? ({} as IdempotentOptions<T>);
  if (!store || typeof store.claim !== 'function') throw errors.invalid('store', 'a DedupStore');
  if (typeof key !== 'function') throw errors.invalid('key', 'a function of the message returning a string');
  const ttlMs = options.ttlMs ?? 86_400_000;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw errors.invalid('ttlMs', 'a positive number of ms');
  const claimTtlMs = options.claimTtlMs ?? 60_000;
  if (!Number.isFinite(claimTtlMs) || claimTtlMs <= 0) throw errors.invalid('claimTtlMs', 'a positive number of ms');
  const newToken = options.newToken ?? randomUUID;

  return async (msg) => {
    const k = key(msg);
    if (typeof k !== 'string' || k.length === 0) throw errors.invalid('key', 'returned an empty or non-string key');
    const token = newToken();
    const found = await store.claim(k, token, claimTtlMs);
    if (found === 'done') return;
    // Not acking here: if that run dies, this message must come back to finish the work.
    if (found === 'running') throw inProgress(k);
    try {
      await handler(msg);
    } catch (err) {
      // Release so the retry runs at once; if release fails the claim still expires after claimTtlMs.
      await store.release(k, token).catch(() => undefined);
      throw err;
    }
    // The work is done; failing the delivery now would only make a retry run it again once the claim
    // expires. A lost "done" mark leaves the claim to expire, narrowing the guard to claimTtlMs.
    await store.complete(k, ttlMs).catch(() => undefined);
  };
}
