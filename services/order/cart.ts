// The cart service, as CreateOrder asks it: the checked lines an order "from cart" takes, and
// removing the ordered products afterwards. Answers come from the cart's contract, never from
// its database.
import type { CallContext, Client } from '#kit/rpc';
import type { CartServiceDefinition } from '#gen/surge/cart/v1/cart';
import type { ItemRequest } from './rules.js';

export interface CartReader {
  /** The checked lines of the user's cart, newest first. Deadline and trace come from `parent`. */
  checkedItems(userId: number, parent: CallContext): Promise<ItemRequest[]>;
  /** Removes these products from the user's cart (idempotent: absent ones are ignored). */
  remove(userId: number, productIds: readonly number[], parent: CallContext): Promise<void>;
}

export function cartReader(cart: Pick<Client<typeof CartServiceDefinition>, 'getCart' | 'removeItems'>): CartReader {
  return {
    async checkedItems(userId, parent) {
      const { lines } = await cart.getCart({ userId, checkedOnly: true }, { parent });
      return lines.flatMap((line) => (line.item && line.item.checked ? [{ productId: line.item.productId, quantity: line.item.quantity }] : []));
    },
    async remove(userId, productIds, parent) {
      await cart.removeItems({ userId, productIds: [...productIds] }, { parent });
    },
  };
}
