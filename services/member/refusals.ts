// The member service's refusals that are not bad input: each a SurgeError with the code callers
// branch on.
import { Code, SurgeError } from '#kit/errors';

export const refusals = {
  /** No such VIP purchase of this user (another user's reads as none). */
  noPurchase: () => new SurgeError(Code.NotFound, 'id: no such VIP purchase', { details: { field: 'id', resource: 'vip_purchase' } }),
};
