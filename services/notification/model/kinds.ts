// What a notification is about. Every type but system aggregates the actors of one (recipient,
// type, biz, target); a system notification is one operator message, a row of its own.
export const AGGREGATED_TYPES = ['like', 'comment', 'reply', 'follow', 'answer', 'accepted'] as const;

export type AggregatedType = (typeof AGGREGATED_TYPES)[number];

export type NotificationType = AggregatedType | 'system';

/** The biz of a follow notification, whose target is the recipient: "followed you". */
export const USER_BIZ = 'user';

/** One actor's part in an aggregate: what one event adds. */
export interface Notice {
  recipientId: number;
  type: AggregatedType;
  biz: string;
  targetId: number;
  actorId: number;
}

/** How many actor ids a row keeps for "Li Lei, Han Meimei and 3 others". */
export const LATEST_ACTORS = 3;
