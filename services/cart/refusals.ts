// The refusals of the cart's use cases that are not bad input: the state of a product or of the
// cart forbids the change. Each names the field a client fixes (product_id).
import { Code, SurgeError } from '#kit/errors';

const details = { field: 'product_id' } as const;

export const refusals = {
  /** The product service has no such product. */
  noSuchProduct: () => new SurgeError(Code.NotFound, 'product_id: no product with this id', { details }),
  /** The product exists but cannot be bought now (off_shelf). */
  notOnSale: (status: string) => new SurgeError(Code.FailedPrecondition, `product_id: the product is not on sale (${status})`, { details: { ...details, status } }),
  /**
   * The cart already holds maxItems products. RateLimited is Surge's code for a quota hit (gRPC
   * RESOURCE_EXHAUSTED, HTTP 429), as the gateway's upload gate uses it for "too many in
   * progress"; no retryAfter: waiting does not help, removing a product does.
   */
  cartFull: (maxItems: number) =>
    new SurgeError(Code.RateLimited, `product_id: the cart holds at most ${maxItems} products; remove one before adding another`, { details: { ...details, limit: maxItems } }),
} as const;
