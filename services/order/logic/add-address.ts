import type { AddAddressRequest, Address } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkAddressText, checkId, checkPhone, MAX_ADDRESSES } from '../rules.js';
import { toAddress } from './view.js';

/** Adds an address; the user's first becomes the default, and is_default moves the default to it. At most 20 per user. */
export async function addAddress(d: OrderDeps, req: AddAddressRequest): Promise<Address> {
  const userId = checkId('user_id', req.userId);
  const fields = {
    name: checkAddressText('name', req.name),
    phone: checkPhone(req.phone),
    province: checkAddressText('province', req.province),
    city: checkAddressText('city', req.city),
    district: checkAddressText('district', req.district),
    detail: checkAddressText('detail', req.detail),
  };
  const row = await d.addresses.add(userId, d.ids.next(), fields, req.isDefault, MAX_ADDRESSES, d.clock.now());
  if (!row) throw refusals.addressBookFull(MAX_ADDRESSES);
  return toAddress(row);
}
