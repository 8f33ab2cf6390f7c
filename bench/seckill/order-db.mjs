// The order service's own database, read beside the API by bench/seckill: SQLite
// (`<data>/db/order.sqlite`, opened read-only; WAL lets it read while Surge writes) in embedded
// mode, MariaDB (`<prefix>_order`) on the servers. It counts a sale's orders: those whose gid is
// `seckill:<sale id>:<ticket id>` (services/order/flash-gid.ts), one per ticket.
import { join } from 'node:path';

export async function openOrderDb(mode, surge, dataDir) {
  // Every gid of the sale sorts between these two (';' follows ':'): a range of the unique gid index.
  const range = (saleId) => [`seckill:${saleId}:`, `seckill:${saleId};`];
  if (mode === 'embedded') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dataDir, 'db', 'order.sqlite'), { readonly: true, fileMustExist: true });
    const stmt = db.prepare('SELECT COUNT(*) FROM orders WHERE gid >= ? AND gid < ?').pluck();
    return { where: `SQLite ${join('<data>', 'db', 'order.sqlite')}`, count: async (saleId) => Number(stmt.get(...range(saleId))), close: async () => db.close() };
  }
  const { default: mysql } = await import('mysql2/promise');
  const database = `${surge.env.SURGE__database__mysql__databasePrefix}_order`;
  const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root', password: '', database });
  return {
    where: `MariaDB ${database}`,
    // LIKE with a fixed prefix is a range of the index whatever the column's collation.
    count: async (saleId) => Number(Object.values((await conn.query('SELECT COUNT(*) FROM orders WHERE gid LIKE ?', [`seckill:${saleId}:%`]))[0][0])[0]),
    close: () => conn.end(),
  };
}
