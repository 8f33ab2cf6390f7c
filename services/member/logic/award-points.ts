import { applyOnce } from '#kit/outbox';
import type { MemberDeps } from '../deps.js';
import type { PointKind } from '../model/tables.js';
import { utcDay } from '../rules.js';

export interface PointEvent {
  /** The delivery's key (consumer group + message id): a redelivery changes nothing. */
  key: string;
  userId: number;
  kind: PointKind;
  /** What the points are for (an article, an answer, a liker and target): given once, whatever event says it again. */
  ref: string;
}

/**
 * Gives the kind's points to the user, once per event and once per ref, if today's cap (the
 * clock's UTC day when applied) allows it. Resolves whether points were given.
 */
export async function awardPoints(d: MemberDeps, event: PointEvent): Promise<boolean> {
  let given = false;
  const now = d.clock.now();
  const day = utcDay(now);
  await d.members.prepare(event.userId, now, { kind: event.kind, day });
  await applyOnce(
    d.db,
    event.key,
    async (trx) => {
      given = false; // the transaction may run again after a deadlock
      // Marked even when today's cap refuses the points: the thing had its chance, and a like
      // taken back and given again tomorrow must not earn what it did not earn today.
      if (!(await d.members.markAwarded(trx, `${event.kind}:${event.ref}`, now))) return;
      given = await d.members.award(trx, event.userId, event.kind, day, d.rules[event.kind], now);
    },
    { clock: d.clock },
  );
  return given;
}
