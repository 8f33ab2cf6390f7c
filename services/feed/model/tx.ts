// The transaction a model hands to its caller (an event applied once), opaque outside model/.
import type { Transaction } from 'kysely';
import type { Clock } from '#kit/clock';
import { applyOnce } from '#kit/outbox';
import type { ServiceDatabase } from '#kit/store';
import type { FeedDB } from './tables.js';

export type Tx = Transaction<FeedDB>;

/** Runs fn in a transaction that records `key`; resolves false, having run nothing, when the key was recorded before. */
export type ApplyOnce = (key: string, fn: (trx: Tx) => Promise<void>) => Promise<boolean>;

export const createApplyOnce =
  (sdb: ServiceDatabase<FeedDB>, clock: Clock): ApplyOnce =>
  (key, fn) =>
    applyOnce(sdb, key, fn, { clock });
