// A saga coordinator process for test/saga-crash.test.ts, run from dist/ by plain node:
//   node test/saga-crash.child.mjs run <gid> <before-commit|after-commit>
//     seeds the stock, starts order.create and holds inside its second branch (before or after
//     that branch's local transaction commits), printing HOLDING: the test kills it there.
//   node test/saga-crash.child.mjs resume <gid> [refuse]
//     another coordinator: resumes transactions whose lease ran out until <gid> ends, printing
//     ENDED <status>; with `refuse` the order branch refuses, so the transaction compensates.
// The participants are two MariaDB databases of their own (stock, orders), written through
// withBarrier; the coordinator's rows live in a third. SAGA_CRASH_PREFIX names the databases.
import pino from 'pino';
import { Code, SurgeError } from '#kit/errors';
import { barrierMigrations, createSagaCoordinator, defineSaga, sagaMigrations, withBarrier } from '#kit/saga';
import { openServiceDatabase } from '#kit/store';

const [mode, gid, option] = process.argv.slice(2);
const config = {
  dialect: 'mysql',
  host: process.env.SURGE_TEST_MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.SURGE_TEST_MYSQL_PORT ?? 3306),
  user: 'root',
  password: '',
  databasePrefix: process.env.SAGA_CRASH_PREFIX,
  poolSize: 4,
};
const LEASE_MS = 1500;

const stockMigrations = {
  ...barrierMigrations,
  '0001_stock': { up: (db) => db.schema.createTable('stock').addColumn('sku', 'varchar(32)', (c) => c.primaryKey()).addColumn('available', 'integer', (c) => c.notNull()).execute() },
};
// No unique key on gid: an order written twice would show as two rows.
const ordersMigrations = {
  ...barrierMigrations,
  '0001_orders': { up: (db) => db.schema.createTable('orders').addColumn('gid', 'varchar(64)', (c) => c.notNull()).addColumn('status', 'varchar(16)', (c) => c.notNull()).execute() },
};

const log = pino({ level: 'warn' }, pino.destination(2));
const open = (service, migrations) => openServiceDatabase({ config, service, migrations });
const [coordinatorDb, stockDb, ordersDb] = await Promise.all([open('sagacoord', sagaMigrations), open('stock', stockMigrations), open('orders', ordersMigrations)]);

const forever = () => new Promise(() => {});
const holding = () => process.stdout.write('HOLDING\n');

const orderSaga = defineSaga('order.create', [
  {
    name: 'stock',
    action: (p, call) =>
      withBarrier(stockDb, call, 'action', async (trx) => {
        const taken = await trx.updateTable('stock').set((eb) => ({ available: eb('available', '-', p.qty) })).where('sku', '=', p.sku).where('available', '>=', p.qty).executeTakeFirst();
        if (Number(taken.numUpdatedRows) !== 1) throw new SurgeError(Code.FailedPrecondition, `${p.sku}: out of stock`);
      }),
    compensate: (p, call) =>
      withBarrier(stockDb, call, 'compensate', (trx) => trx.updateTable('stock').set((eb) => ({ available: eb('available', '+', p.qty) })).where('sku', '=', p.sku).execute()),
  },
  {
    name: 'order',
    action: async (p, call) => {
      await withBarrier(ordersDb, call, 'action', async (trx) => {
        if (mode === 'resume' && option === 'refuse') throw new SurgeError(Code.FailedPrecondition, 'the buyer may not order');
        await trx.insertInto('orders').values({ gid: call.gid, status: 'created' }).execute();
        if (mode === 'run' && option === 'before-commit') {
          holding();
          await forever();
        }
      });
      if (mode === 'run' && option === 'after-commit') {
        holding();
        await forever();
      }
    },
    compensate: (p, call) => withBarrier(ordersDb, call, 'compensate', (trx) => trx.updateTable('orders').set({ status: 'cancelled' }).where('gid', '=', call.gid).execute()),
  },
]);

const coordinator = createSagaCoordinator({ db: coordinatorDb, sagas: [orderSaga], owner: `${mode}-${process.pid}`, log, leaseMs: LEASE_MS, pollMs: 200 });

if (mode === 'run') {
  await stockDb.insertIgnore('stock', { sku: 'sku-1', available: 10 });
  // Not awaited: the process is killed while the transaction holds.
  coordinator.run(orderSaga, { sku: 'sku-1', qty: 2 }, { gid }).then((outcome) => {
    process.stdout.write(`UNEXPECTED ${outcome.status}\n`);
    process.exit(2);
  });
} else if (mode === 'resume') {
  coordinator.start();
  const end = Date.now() + 30_000;
  for (;;) {
    const row = await coordinatorDb.db.selectFrom('surge_saga').select('status').where('gid', '=', gid).executeTakeFirst();
    if (row && row.status !== 'running') {
      process.stdout.write(`ENDED ${row.status}\n`);
      break;
    }
    if (Date.now() > end) {
      process.stdout.write(`TIMEOUT ${row?.status}\n`);
      process.exitCode = 1;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await coordinator.close();
  await Promise.all([coordinatorDb.close(), stockDb.close(), ordersDb.close()]);
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(64);
}
