// The community's membership shapes (/api/v1/community/me/membership, /me/vip, /me/vip/:id): the
// caller's own points, level and VIP, buying VIP and reading one's own purchase. The member service checks the same rules and names the
// field; here only shapes. Nothing names a user: the token says who.
import { Type } from 'typebox';
import { Id, IdParam } from '../schemas/common.js';

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

/** GET /me/vip/:id: one of the caller's purchases. */
export const VipParams = Type.Object({ id: IdParam }, { additionalProperties: false });

/** A purchase and its payment, as POST /me/vip and GET /me/vip/:id answer them. */
export const VipReply = Type.Object({
  purchase: Type.Object({
    id: Id,
    months: Type.Integer(),
    amount_cents: Type.Integer(),
    applied: Type.Boolean({ description: 'true once VIP was extended for it (the payment was confirmed paid)' }),
  }),
  payment: Type.Object({
    id: Type.Integer({ description: 'the pay service\'s payment; 0 only while it could not be made' }),
    status: Type.String({ description: 'pending, paid or failed; VIP is extended when the provider confirms it paid' }),
    amount_cents: Type.Integer(),
    provider: Type.String({ description: '"simulator": it confirms by itself after pay.simulatorDelayMs (the request\'s simulate "fail" makes it fail)' }),
    created_at: Type.Integer(),
    paid_at: Type.Union([Type.Integer(), Type.Null()], { description: 'ms since the epoch; null until paid' }),
  }),
});
