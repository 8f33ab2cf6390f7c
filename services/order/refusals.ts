// The refusals of the order service's use cases that are not bad input: what is asked for is
// not there for this caller, or the state forbids the change. Each names the field a client
// fixes; a status refusal names the order's current status.
import { Code, SurgeError } from '#kit/errors';
import type { OrderStatus } from './model/tables.js';

export const refusals = {
  /** No such address of this user (another user's id reads the same: its existence is not told). */
  noAddress: (field: 'id' | 'address_id') => new SurgeError(Code.NotFound, `${field}: no such address`, { details: { field, resource: 'address' } }),
  /** No such order of this user (or at all, for the pay service and admins). */
  noOrder: (field: 'id' | 'order_id') => new SurgeError(Code.NotFound, `${field}: no such order`, { details: { field, resource: 'order' } }),
  /** The order is not in the status the change starts from. */
  wrongStatus: (current: OrderStatus, change: string, expected: OrderStatus) =>
    new SurgeError(Code.FailedPrecondition, `status: the order is ${current}; only a ${expected} order can be ${change}`, { details: { field: 'status', status: current } }),
  /**
   * The user keeps the most addresses already. RateLimited is Surge's code for a quota hit, as
   * the cart's "cart full" is; waiting does not help, deleting one does.
   */
  addressBookFull: (max: number) =>
    new SurgeError(Code.RateLimited, `addresses: at most ${max} addresses per user; delete one before adding another`, { details: { field: 'addresses', limit: max } }),
  /** from_cart with no checked line in the cart. */
  emptyCart: () => new SurgeError(Code.FailedPrecondition, 'from_cart: the cart has no checked products', { details: { field: 'from_cart' } }),
  /** from_cart with more checked lines than an order holds. */
  cartTooLarge: (checked: number, max: number) =>
    new SurgeError(Code.FailedPrecondition, `from_cart: the cart has ${checked} checked products; an order holds at most ${max}`, { details: { field: 'from_cart', limit: max } }),
  /** The default address cannot be made non-default by itself: another one must become the default. */
  keepDefault: () => new SurgeError(Code.InvalidArgument, 'is_default: the default address stays the default until another one is made the default', { details: { field: 'is_default' } }),
} as const;
