// The feed service's configuration section (`feed`). Schema only: every process loads it.
import type { Static } from 'typebox';
import { settings } from '#kit/service';

export const feedConfig = settings.section({
  /**
   * Followers above which an author's articles are not pushed to each follower's inbox but
   * pulled when a follower reads the feed. Default 5000: a publish writes at most 5000 rows
   * (100 pages of followers), and a reader following a few big authors reads a few more ranges.
   */
  pushLimit: settings.int(5000, 0, 10_000_000),
});

export type FeedConfig = Static<typeof feedConfig>;
