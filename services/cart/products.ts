// The product service, as the cart's use cases ask it: which of these products exist, and what
// they are now (name, price, stock, status). Answers come from the product service's contract,
// never from its database, and never stay in the cart: a cart shows today's price.
import type { CallContext, Client } from '#kit/rpc';
import type { Product, ProductServiceDefinition } from '#gen/surge/product/v1/product';

/** Most ids one GetProducts call may name (the product service's contract). */
export const GET_PRODUCTS_MAX_IDS = 100;

/** The status of a product that can be bought; any other (off_shelf) cannot. */
export const ON_SALE = 'on_sale';

export interface ProductCatalog {
  /**
   * The products among `ids` that exist, by id (off-shelf ones included), as one batch: one
   * GetProducts call per 100 ids, the calls in parallel. Deadline and trace come from `parent`.
   */
  lookup(ids: readonly number[], parent: CallContext): Promise<Map<number, Product>>;
}

export function productCatalog(products: Pick<Client<typeof ProductServiceDefinition>, 'getProducts'>): ProductCatalog {
  return {
    async lookup(ids, parent) {
      const unique = [...new Set(ids)];
      const chunks: number[][] = [];
      for (let at = 0; at < unique.length; at += GET_PRODUCTS_MAX_IDS) chunks.push(unique.slice(at, at + GET_PRODUCTS_MAX_IDS));
      const replies = await Promise.all(chunks.map((chunk) => products.getProducts({ ids: chunk }, { parent })));
      return new Map(replies.flatMap((reply) => reply.products.map((product) => [product.id, product] as const)));
    },
  };
}
