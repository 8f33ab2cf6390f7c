import type { Address, UpdateAddressRequest } from '#gen/surge/order/v1/order';
import type { OrderDeps } from '../deps.js';
import type { AddressChanges } from '../model/addresses.js';
import { refusals } from '../refusals.js';
import { checkAddressText, checkId, checkPhone } from '../rules.js';
import { toAddress } from './view.js';

/** Changes the fields present; is_default true makes it the default (the old one is unset in the same transaction). */
export async function updateAddress(d: OrderDeps, req: UpdateAddressRequest): Promise<Address> {
  const userId = checkId('user_id', req.userId);
  const id = checkId('id', req.id);
  const changes: AddressChanges = {};
  if (req.name !== undefined) changes.name = checkAddressText('name', req.name);
  if (req.phone !== undefined) changes.phone = checkPhone(req.phone);
  if (req.province !== undefined) changes.province = checkAddressText('province', req.province);
  if (req.city !== undefined) changes.city = checkAddressText('city', req.city);
  if (req.district !== undefined) changes.district = checkAddressText('district', req.district);
  if (req.detail !== undefined) changes.detail = checkAddressText('detail', req.detail);
  if (req.isDefault === true) changes.makeDefault = true;
  if (req.isDefault === false) {
    // Unsetting the default alone would leave the user without one.
    const current = await d.addresses.get(userId, id);
    if (!current) throw refusals.noAddress('id');
    if (Number(current.is_default) === 1) throw refusals.keepDefault();
  }
  const row = await d.addresses.update(userId, id, changes, d.clock.now());
  if (!row) throw refusals.noAddress('id');
  return toAddress(row);
}
