import type { GetMembershipRequest, Memberships } from '#gen/surge/member/v1/member';
import type { MemberDeps } from '../deps.js';
import { checkUserIds, levelOf } from '../rules.js';

/** Points, level and VIP of each id asked, in order; vip_until 0 once it has passed. */
export async function getMembership(d: MemberDeps, req: GetMembershipRequest): Promise<Memberships> {
  const ids = checkUserIds(req.userIds);
  const rows = await d.members.get(ids);
  const now = d.clock.now();
  return {
    memberships: ids.map((userId) => {
      const row = rows.get(userId);
      const points = row?.points ?? 0;
      const vipUntil = row && row.vipUntil > now ? row.vipUntil : 0;
      return { userId, points, level: levelOf(points), vipUntil };
    }),
  };
}
