// `surge seed mall`: writes the demo catalog (services/product/demo) into an empty product
// database: on the servers, where `npm start`'s embedded first start does not seed. It opens the
// product service's own database with its migrations, as a host does, and adds the new ids to
// the shared id filter (Redis), so running product instances find them at once. A catalog that
// is not empty is left alone. Run it once: two seeds at the same moment on MariaDB could both write.
import { hostname } from 'node:os';
import { systemClock } from '#kit/clock';
import { connectEtcdRegistry } from '#kit/discovery';
import { createIdGenerator, MAX_WORKER_ID } from '#kit/ids';
import { connectRedis } from '#kit/redis';
import { serviceNameOf } from '#kit/service';
import { openServiceDatabase } from '#kit/store';
import { createProductIdFilter, productMigrations, ProductServiceDefinition, seedDemoCatalog, type ProductDB, type SeedDemoReport } from '#services/product';
import { ConfigError, type Config } from '../config/index.js';
import { databaseConfigOf } from '../infra.js';

const USAGE = 'usage: surge seed mall [--config file]';

/** Runs `surge seed <args>`; `load` reads the configuration as the other commands do. */
export async function seed(args: readonly string[], load: () => Readonly<Config>): Promise<void> {
  const [what, ...extra] = args.filter((a, i) => a !== '--config' && args[i - 1] !== '--config');
  if (what !== 'mall' || extra.length > 0) throw new ConfigError(what === undefined ? USAGE : `surge seed: unknown "${[what, ...extra].join(' ').slice(0, 64)}"; ${USAGE}`);
  const report = await seedMall(load());
  process.stdout.write(report.seeded ? `surge seed mall: ${report.categories} categories, ${report.products} products, ${report.banners} banners, ${report.featured} featured\n` : 'surge seed mall: the catalog is not empty; nothing written\n');
}

/** The demo catalog into the product database this configuration names (tests call it too). */
export async function seedMall(config: Readonly<Config>): Promise<SeedDemoReport> {
  const service = serviceNameOf(ProductServiceDefinition);
  const db = await openServiceDatabase<ProductDB>({ config: databaseConfigOf(config, { poolSize: 2 }), service, migrations: productMigrations });
  const redis = config.cache.driver === 'redis' ? connectRedis({ url: config.cache.redis.url, name: 'surge-seed' }) : undefined;
  const workerId = await seedWorkerId(config);
  try {
    const productIds = createProductIdFilter({ redis, keyPrefix: config.cache.redis.keyPrefix, expectedItems: config.product.bloomExpectedItems });
    const ids = createIdGenerator({ workerId: workerId.id });
    return await seedDemoCatalog({ db, ids, clock: systemClock, productIds });
  } finally {
    await db.close();
    await redis?.quit().catch(() => undefined);
    await workerId.release();
  }
}

/**
 * A snowflake worker id no running process uses: claimed from etcd like a service instance's
 * when there is a registry; otherwise (one embedded process, at ids.workerId) the other end of
 * the range.
 */
async function seedWorkerId(config: Readonly<Config>): Promise<{ id: number; release(): Promise<unknown> }> {
  if (config.registry.driver !== 'etcd') return { id: config.ids.workerId === MAX_WORKER_ID ? 0 : MAX_WORKER_ID, release: async () => undefined };
  const e = config.registry.etcd;
  const registry = await connectEtcdRegistry({ hosts: e.hosts, prefix: e.prefix, leaseTtlSeconds: e.leaseTtlSeconds });
  const claim = await registry.claimWorkerId('product-seed', `product-seed-${hostname()}-${process.pid}`, MAX_WORKER_ID);
  return { id: claim.workerId, release: () => claim.release().finally(() => registry.close()) };
}
