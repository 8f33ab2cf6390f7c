// Test participants for the saga kit: branches whose operations write one effect row each through
// withBarrier in a participant database, with hooks that fail or hold a call before or after its
// local transaction. Counting the effect rows is how the tests prove exactly-once.
import type { Kysely } from 'kysely';
import { Code, errors, SurgeError } from '#kit/errors';
import type { Migration, ServiceDatabase } from '#kit/store';
import { barrierMigrations, withBarrier, type BarrierOp, type BarrierTables, type BranchCall, type SagaBranch } from '../index.js';

export interface ParticipantTables extends BarrierTables {
  saga_effects: { gid: string; branch: string; op: string };
}

export const participantMigrations: Record<string, Migration> = {
  ...barrierMigrations,
  '0001_saga_effects': {
    up: (db: Kysely<any>) =>
      db.schema.createTable('saga_effects').addColumn('gid', 'varchar(64)', (c) => c.notNull()).addColumn('branch', 'varchar(64)', (c) => c.notNull()).addColumn('op', 'varchar(16)', (c) => c.notNull()).execute(),
  },
};

/** Runs before (or after) an operation's local transaction; throwing fails the call. */
export type Hook = (call: BranchCall) => Promise<void> | void;
export type Hooks = Partial<Record<string, { before?: Hook; after?: Hook }>>;

/** Branches named `names`, recording each call as 'branch.op' in `calls`; hooks keyed the same way. */
export function effectBranches<P>(db: ServiceDatabase<ParticipantTables>, names: readonly string[], hooks: Hooks = {}, calls: string[] = []): SagaBranch<P>[] {
  const operate = async (name: string, op: BarrierOp, call: BranchCall) => {
    const key = `${name}.${op}`;
    calls.push(key);
    await hooks[key]?.before?.(call);
    await withBarrier(db, call, op, (trx) => trx.insertInto('saga_effects').values({ gid: call.gid, branch: name, op }).execute());
    await hooks[key]?.after?.(call);
  };
  return names.map((name) => ({ name, action: (_p: P, call: BranchCall) => operate(name, 'action', call), compensate: (_p: P, call: BranchCall) => operate(name, 'compensate', call) }));
}

/** The effects a transaction left, as sorted 'branch.op' strings. */
export async function effectsOf(db: ServiceDatabase<ParticipantTables>, gid: string): Promise<string[]> {
  const rows = await db.db.selectFrom('saga_effects').select(['branch', 'op']).where('gid', '=', gid).execute();
  return rows.map((r) => `${r.branch}.${r.op}`).sort();
}

/** A hook that throws `error` on its first `times` calls, then passes. */
export function failing(times: number, error: () => unknown = () => errors.unavailable('stock service')): Hook {
  let left = times;
  return () => {
    if (left === Infinity || left-- > 0) throw error();
  };
}

export const outOfStock = () => new SurgeError(Code.FailedPrecondition, 'sku-1: out of stock', { details: { field: 'qty' } });

/** A hook that holds every call until release(); reached resolves when the first call arrives. */
export function gate(): { hook: Hook; reached: Promise<void>; release(): void } {
  let release!: () => void;
  let arrived!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>((r) => (arrived = r));
  return {
    hook: async () => {
      arrived();
      await opened;
    },
    reached,
    release,
  };
}
