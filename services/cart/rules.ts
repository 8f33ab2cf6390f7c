// Input rules of the cart service. The gateway checks shapes first, but the service is also
// reachable over RPC, so it checks its own rules and names the field that broke one.
import { errors } from '#kit/errors';
import { checkId, checkIds } from '#kit/rules';

/** Most products one RemoveItems call may name. */
export const MAX_REMOVE_IDS = 100;

export { checkId };

/** A line's quantity: an integer 1 .. max (cart.maxQuantity). */
export function checkQuantity(quantity: number, max: number): number {
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > max) throw errors.invalid('quantity', `must be an integer from 1 to ${max}`);
  return quantity;
}

/** The products to remove: 1 .. MAX_REMOVE_IDS positive ids, repeats folded. */
export function checkProductIds(ids: readonly number[]): number[] {
  if (ids.length === 0) throw errors.invalid('product_ids', 'must name at least one product');
  return checkIds('product_ids', ids, { max: MAX_REMOVE_IDS, unique: true });
}
