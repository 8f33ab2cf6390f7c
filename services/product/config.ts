// The product service's configuration section (`product`). Schema only: every process loads it.
import type { Static } from 'typebox';
import { settings } from '#kit/service';

export const productConfig = settings.section({
  /** Embedded mode fills an empty catalog with the demo catalog on start (demo/seed.ts); servers seed with `surge seed mall`. */
  demoData: settings.bool(true),
  /** The home page's blocks (banners, featured, best sellers) are refreshed in the background once this old; product writes refresh them at once. */
  homeRefreshSeconds: settings.int(30, 1, 3600),
  /** Best sellers the home page shows. */
  rankingSize: settings.int(10, 1, 50),
  /**
   * The stock branches' barrier rows are kept this long, then deleted. Keep it past the longest a
   * reservation can wait for its release (order.paymentTimeoutSeconds, at most 7 days): a release
   * arriving after its reservation's row is gone gives nothing back.
   */
  barrierRetentionDays: settings.int(30, 8, 3650),
  /** Products the id filter is sized for (1% false positives up to it, 1.2 bytes each); past it unknown ids get through more often. */
  bloomExpectedItems: settings.int(1_000_000, 1000, 100_000_000),
  /**
   * Ids cached per category list and order (in Redis when there is Redis), so its first pages need
   * no query; pages past them come from the database. 0 turns the cache off.
   */
  listCacheSize: settings.int(500, 0, 10_000),
  /**
   * With Redis: how long an instance answers a category list from its own copy before asking
   * Redis again (ms). Any instance's write drops the copies at once (Redis pub/sub); a drop missed
   * while the subscription was down lasts this long at most. 0 turns the copies off.
   */
  listLocalTtlMs: settings.int(5000, 0, 60_000),
});

export type ProductConfig = Static<typeof productConfig>;
