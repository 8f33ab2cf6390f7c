// Barrier rows are deleted on the timer once older than the retention, and only those.
import pino from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { testDatabases } from '#kit/testing';
import { startBarrierPruning } from './barrier-pruning.js';
import { openProductFixture } from './testing/fixture.js';

const [sqlite] = await testDatabases();
afterAll(() => sqlite!.cleanup());

const DAY = 86_400_000;

describe('barrier pruning', () => {
  it('deletes rows past the retention at each run, keeps younger ones, and stops on close', async () => {
    const f = await openProductFixture(sqlite!);
    const c = await f.category('书');
    const p = await f.product({ categoryId: c.id, name: '书' });
    const reserve = (gid: string) => f.rpc.reserveStock({ gid, branch: 'stock', userId: 1, items: [{ productId: p.id, quantity: 1 }] });
    await reserve('old');
    f.clock.advance(5 * DAY);
    await reserve('young');
    const gids = async () => (await f.raw.db.selectFrom('surge_saga_barrier').select('gid').orderBy('gid').execute()).map((r) => r.gid);
    expect(await gids()).toEqual(['old', 'young']);

    const pruning = startBarrierPruning({ db: f.raw, clock: f.clock, log: pino({ level: 'silent' }), retentionMs: 8 * DAY, everyMs: DAY });
    // Runs with old 6, 7 and 8 days old: kept (each read queues behind the run's delete).
    for (let i = 0; i < 3; i++) {
      f.clock.advance(DAY);
      expect(await gids()).toEqual(['old', 'young']);
    }
    f.clock.advance(DAY); // 9 days: past the retention
    await vi.waitFor(async () => expect(await gids()).toEqual(['young']));
    await pruning.close();
    f.clock.advance(30 * DAY);
    expect(await gids()).toEqual(['young']);
  });
});
