import type { AddressList, ListAddressesRequest } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import { checkId } from '../rules.js';
import { toAddress } from './view.js';

/** The user's addresses (at most 20): the default first, then newest first. */
export async function listAddresses(d: OrderDeps, req: ListAddressesRequest): Promise<AddressList> {
  const userId = checkId('user_id', req.userId);
  return { addresses: (await d.addresses.list(userId)).map(toAddress) };
}
