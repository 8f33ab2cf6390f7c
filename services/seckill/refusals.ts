// The seckill service's refusals that are not bad input, each with the reason a client acts on.
import { Code, SurgeError } from '#kit/errors';

export const refusals = {
  noSale: (field = 'sale_id') => new SurgeError(Code.NotFound, `${field}: no such flash sale`, { details: { field, resource: 'flash_sale' } }),
  noTicket: () => new SurgeError(Code.NotFound, 'id: no such ticket', { details: { field: 'id', resource: 'ticket' } }),
  notStarted: (startAt: number) => new SurgeError(Code.PermissionDenied, 'the flash sale has not started', { details: { field: 'sale_id', reason: 'not_started', start_at: startAt } }),
  ended: () => new SurgeError(Code.PermissionDenied, 'the flash sale has ended', { details: { field: 'sale_id', reason: 'ended' } }),
  soldOut: () => new SurgeError(Code.FailedPrecondition, 'the flash sale is sold out', { details: { field: 'sale_id', reason: 'sold_out' } }),
  notEnough: () => new SurgeError(Code.FailedPrecondition, 'quantity: fewer units are left than asked for', { details: { field: 'quantity', reason: 'not_enough' } }),
  overLimit: (limit: number) => new SurgeError(Code.QuotaExceeded, `quantity: at most ${limit} per buyer in this flash sale`, { details: { field: 'quantity', reason: 'over_limit', limit } }),
  /** The sale's units are not in the stock store: an operator's matter (docs/flash-sale.md), never reloaded by itself. */
  unloaded: () => new SurgeError(Code.Unavailable, 'the flash sale cannot be sold now', { details: { dependency: 'sale stock' } }),
  priceAbove: (price: number) => new SurgeError(Code.InvalidArgument, `price_cents: must be at most the product's price (${price})`, { details: { field: 'price_cents' } }),
} as const;
