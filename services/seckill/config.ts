// The seckill (flash sale) service's configuration section (`seckill`). Schema only: every
// process loads it; the gateway reads the per-user buy rate and the sold-out recheck from it.
import { Type, type Static } from 'typebox';
import { settings } from '#kit/service';

/** The most buckets one sale's stock is split into (each bucket is one Redis key set; docs/flash-sale.md). */
export const MAX_BUCKETS = 64;

export const seckillConfig = settings.section({
  /**
   * Buy requests one user may make per second on one gateway process (a local token bucket:
   * it keeps a flood from reaching Redis at all; the per-user units limit is the sale's, exact).
   */
  buysPerUserPerSecond: settings.int(5, 1, 1000),
  /** Buckets a new sale's stock is split into when the admin does not say (1: one Redis key set). */
  buckets: settings.int(1, 1, MAX_BUCKETS),
  /**
   * Redis nodes the buckets live on, bucket i on node i mod n (client-side sharding, no Redis
   * Cluster needed); empty: the shared Redis (cache.redis.url). Unused embedded.
   */
  redisUrls: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { default: [], maxItems: 16 }),
  /** Tickets the worker turns into orders per call of the order service. */
  orderBatchSize: settings.int(200, 1, 500),
  /** A ticket taken by a worker that died is taken again by another after this long. */
  claimIdleMs: settings.int(15_000, 1000, 600_000),
  /**
   * How long a gateway answers "sold out" from its local flag before letting one buy through to
   * check again (units come back when an unpaid order times out).
   */
  soldOutRecheckMs: settings.int(1000, 50, 60_000),
  /** A running demo sale of a demo product, created at start when there is none (product.demoData). */
  demoSale: settings.bool(true),
});

export type SeckillConfig = Static<typeof seckillConfig>;
