import type { DeleteAddressReply, DeleteAddressRequest } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';

/** Deletes an address (orders keep their own copy); deleting the default makes the newest remaining one the default. */
export async function deleteAddress(d: OrderDeps, req: DeleteAddressRequest): Promise<DeleteAddressReply> {
  const userId = checkId('user_id', req.userId);
  const id = checkId('id', req.id);
  if (!(await d.addresses.remove(userId, id, d.clock.now()))) throw refusals.noAddress('id');
  return {};
}
