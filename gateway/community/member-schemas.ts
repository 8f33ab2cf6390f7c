// The community's membership shapes (/api/v1/community/me/membership, /me/vip): the caller's own
// points, level and VIP, and buying VIP. The member service checks the same rules and names the
// field; here only shapes. Nothing names a user: the token says who.
import { Type } from 'typebox';
import { Id } from '../schemas/common.js';

/** The routes take no query: a user_id in the query string is refused, not read. */
export const NoQuery = Type.Object({}, { additionalProperties: false });

export const MembershipReply = Type.Object({
  points: Type.Integer({ description: 'all points earned; never taken back' }),
  level: Type.Integer({ description: '1–6: from 0, 100, 300, 1000, 3000, 10000 points' }),
  vip_until: Type.Union([Type.Integer(), Type.Null()], { description: 'ms since the epoch; null when never VIP or it has run out' }),
});

export const VipBody = Type.Object(
  {
    months: Type.Integer({ minimum: 1, maximum: 12, description: 'must be a whole number from 1 to 12' }),
    simulate: Type.Optional(Type.Literal('fail', { description: 'the simulator only: "fail" makes the payment fail' })),
  },
  { additionalProperties: false },
);

export const VipReply = Type.Object({
  payment: Type.Object({
    id: Id,
    status: Type.String({ description: 'pending, paid or failed; VIP is extended when the provider confirms it paid' }),
    amount_cents: Type.Integer(),
    provider: Type.String(),
    created_at: Type.Integer(),
  }),
  months: Type.Integer(),
});
