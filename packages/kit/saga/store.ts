// The coordinator's queries on its two tables. Every write to a running transaction is fenced by
// its owner (`WHERE owner = ?`), so an instance whose lease was taken changes nothing after; a
// claim is one conditional UPDATE whose WHERE re-checks that the lease ran out, so of two
// instances claiming the same row exactly one sees a row affected (both dialects re-read the row
// under its write lock before updating it). A driven transaction costs few statements: run()'s row
// counts the first call as it is written, each move counts the next step's first call, and the
// last move finishes it; on MariaDB a move is one multi-table UPDATE.
import { sql, type Kysely, type Updateable } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { SagaPhase, SagaStatus, SagaTables } from './migrations.js';

export type SagaRow = SagaTables['surge_saga'];
type SagaUpdate = Updateable<SagaTables['surge_saga']>;

/** Thrown inside a fenced transaction when the owner no longer holds the row, to roll it back. */
class LeaseLost extends Error {}

export interface NewSaga {
  gid: string;
  saga: string;
  payload: string;
  owner: string;
  leaseUntil: number;
  now: number;
  branches: readonly string[];
  /** The caller's writes, committed with the row when it is new (a throw rolls both back). */
  alongside?: (trx: Kysely<any>) => Promise<void>;
}

/** One branch row's change, written in the same transaction as the cursor's move. */
export interface BranchChange {
  idx: number;
  column: 'action' | 'compensation';
  value: 'done' | 'refused';
}

export class SagaStore {
  private readonly db: Kysely<SagaTables>;

  constructor(private readonly sdb: ServiceDatabase<any>) {
    this.db = sdb.db as Kysely<SagaTables>;
  }

  /**
   * Writes the transaction and its branches before any branch runs, the first branch's first call
   * already counted (its creator makes that call at once); its row, or undefined when the gid
   * exists (then nothing is written, the caller's writes neither).
   */
  create(s: NewSaga): Promise<SagaRow | undefined> {
    return this.sdb.transaction(async (trx) => {
      const row: SagaRow = {
        gid: s.gid, saga: s.saga, status: 'running', phase: 'action', step: 0, attempts: 1, payload: s.payload,
        owner: s.owner, lease_until: s.leaseUntil, error_code: 0, error: '', reason_code: 0, reason: '', reason_details: '',
        created_at: s.now, updated_at: s.now, finished_at: 0,
      };
      const inserted = await this.sdb.insertIgnore('surge_saga', row as never, { executor: trx });
      if (!inserted) return undefined;
      await s.alongside?.(trx);
      await (trx as unknown as Kysely<SagaTables>)
        .insertInto('surge_saga_branch')
        .values(s.branches.map((name, idx) => ({ gid: s.gid, idx, name, action: 'pending', compensation: 'none', updated_at: s.now })))
        .execute();
      return row;
    });
  }

  load(gid: string): Promise<SagaRow | undefined> {
    return this.db.selectFrom('surge_saga').selectAll().where('gid', '=', gid).executeTakeFirst();
  }

  /** Updates a running transaction this owner holds; false when it no longer holds it. */
  async fenced(gid: string, owner: string, set: SagaUpdate): Promise<boolean> {
    const result = await this.db.updateTable('surge_saga').set(set).where('gid', '=', gid).where('owner', '=', owner).where('status', '=', 'running').executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Moves the cursor (and settles a branch row) atomically; false when the lease was lost. MariaDB:
   * one UPDATE of both rows joined, which changes neither unless the owner still holds the
   * transaction. SQLite: two UPDATEs in one transaction, rolled back when the first finds no row.
   */
  async move(gid: string, owner: string, set: SagaUpdate, branch: BranchChange, now: number): Promise<boolean> {
    if (this.sdb.dialect === 'mysql') return this.moveJoined(gid, owner, set, branch, now);
    try {
      await this.sdb.transaction(async (trx) => {
        const tx = trx as unknown as Kysely<SagaTables>;
        const moved = await tx.updateTable('surge_saga').set(set).where('gid', '=', gid).where('owner', '=', owner).where('status', '=', 'running').executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) throw new LeaseLost();
        const settled = branch.column === 'action' ? { action: branch.value, updated_at: now } : { compensation: branch.value, updated_at: now };
        await tx.updateTable('surge_saga_branch').set(settled).where('gid', '=', gid).where('idx', '=', branch.idx).execute();
      });
      return true;
    } catch (err) {
      if (err instanceof LeaseLost) return false;
      throw err;
    }
  }

  private async moveJoined(gid: string, owner: string, set: SagaUpdate, branch: BranchChange, now: number): Promise<boolean> {
    const assign = (alias: 's' | 'b', values: Record<string, unknown>) =>
      Object.entries(values)
        .filter(([, value]) => value !== undefined)
        .map(([column, value]) => sql`${sql.ref(`${alias}.${column}`)} = ${value}`);
    const settled = branch.column === 'action' ? { action: branch.value, updated_at: now } : { compensation: branch.value, updated_at: now };
    const result = await sql`update surge_saga s join surge_saga_branch b on b.gid = s.gid and b.idx = ${branch.idx}
      set ${sql.join([...assign('s', set), ...assign('b', settled)])}
      where s.gid = ${gid} and s.owner = ${owner} and s.status = 'running'`.execute(this.db);
    // Both rows or neither: the join yields the pair only while the owner holds a running row.
    return Number(result.numAffectedRows ?? 0n) > 0;
  }

  /** Running transactions of these sagas whose lease ran out, oldest lease first. */
  async expired(sagas: readonly string[], now: number, limit: number): Promise<string[]> {
    if (sagas.length === 0 || limit <= 0) return [];
    const rows = await this.db
      .selectFrom('surge_saga')
      .select('gid')
      .where('status', '=', 'running')
      .where('lease_until', '<', now)
      .where('saga', 'in', [...sagas])
      .orderBy('lease_until')
      .limit(limit)
      .execute();
    return rows.map((r) => r.gid);
  }

  /** Takes an expired lease; the row when this owner got it, undefined when another did first. */
  async claim(gid: string, owner: string, now: number, leaseUntil: number): Promise<SagaRow | undefined> {
    const result = await this.db
      .updateTable('surge_saga')
      .set({ owner, lease_until: leaseUntil, updated_at: now })
      .where('gid', '=', gid)
      .where('status', '=', 'running')
      .where('lease_until', '<', now)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return this.load(gid);
  }

  /** Takes a stuck transaction back to running for this owner, attempts from zero. */
  async unstick(gid: string, owner: string, now: number, leaseUntil: number): Promise<SagaRow | undefined> {
    const result = await this.db
      .updateTable('surge_saga')
      .set({ status: 'running', attempts: 0, owner, lease_until: leaseUntil, updated_at: now })
      .where('gid', '=', gid)
      .where('status', '=', 'stuck')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return this.load(gid);
  }

  /** Stuck transactions per saga (sagas with none are absent). */
  async countStuck(): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom('surge_saga').select((eb) => ['saga', eb.fn.countAll<number | string>().as('n')]).where('status', '=', 'stuck').groupBy('saga').execute();
    return new Map(rows.map((r) => [r.saga, Number(r.n)]));
  }

  stuck(limit: number): Promise<SagaRow[]> {
    return this.db.selectFrom('surge_saga').selectAll().where('status', '=', 'stuck').orderBy('updated_at').orderBy('gid').limit(limit).execute();
  }

  /** Deletes up to limit finished transactions that finished before `before`; how many. */
  async pruneFinished(before: number, limit: number): Promise<number> {
    const finished: SagaStatus[] = ['succeeded', 'compensated'];
    const rows = await this.db
      .selectFrom('surge_saga')
      .select('gid')
      .where('status', 'in', finished)
      .where('finished_at', '<', before)
      .orderBy('finished_at')
      .limit(limit)
      .execute();
    if (rows.length === 0) return 0;
    const gids = rows.map((r) => r.gid);
    return this.sdb.transaction(async (trx) => {
      const tx = trx as unknown as Kysely<SagaTables>;
      await tx.deleteFrom('surge_saga_branch').where('gid', 'in', gids).execute();
      // Re-checked: a row is only ever finished once, but the WHERE keeps this delete honest.
      const deleted = await tx.deleteFrom('surge_saga').where('gid', 'in', gids).where('status', 'in', finished).executeTakeFirst();
      return Number(deleted.numDeletedRows);
    });
  }
}

export type { SagaPhase, SagaStatus };
