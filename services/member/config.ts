// The member service's configuration section (`member`). Schema only: every process loads it.
// docs/configuration.md lists each key.
import type { Static } from 'typebox';
import { settings } from '#kit/service';

export const memberConfig = settings.section({
  /** Points for publishing an article (article.published). */
  articlePoints: settings.int(5, 0, 1000),
  /** Articles a day (UTC) that earn points; later ones that day earn none. */
  articlesPerDay: settings.int(4, 0, 1000),
  /** Points to the answerer for an accepted answer (qa.accepted). */
  acceptedPoints: settings.int(15, 0, 1000),
  /** Accepted answers a day (UTC) that earn points. */
  acceptedPerDay: settings.int(3, 0, 1000),
  /** Points to the owner for a like received (interaction.target-liked, delta 1, not one's own). */
  likePoints: settings.int(1, 0, 1000),
  /** Likes received a day (UTC) that earn points. */
  likesPerDay: settings.int(20, 0, 10_000),
  /**
   * The price of one month (30 days) of VIP, in cents. At most 833,333: twelve months (the most
   * one purchase buys) must stay within the pay service's largest payment, 10,000,000 cents.
   */
  vipMonthCents: settings.int(1500, 1, 833_333),
});

export type MemberConfig = Static<typeof memberConfig>;

/** Nothing the schema cannot say: every key is bounded there. */
export const memberConfigProblems = (_member: MemberConfig): string[] => [];
