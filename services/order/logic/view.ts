// Rows as the contract shows them.
import type { Address, AddressSnapshot, Order } from '#gen/surge/order/v1/order';
import type { AddressRow } from '../model/addresses.js';
import type { StoredOrder } from '../model/orders.js';

export function toAddress(row: AddressRow): Address {
  return {
    id: Number(row.id),
    name: row.name,
    phone: row.phone,
    province: row.province,
    city: row.city,
    district: row.district,
    detail: row.detail,
    isDefault: Number(row.is_default) === 1,
  };
}

/** The fields of an address an order keeps. */
export function snapshotOf(row: AddressRow): AddressSnapshot {
  return { name: row.name, phone: row.phone, province: row.province, city: row.city, district: row.district, detail: row.detail };
}

export function toOrder({ order, lines }: StoredOrder): Order {
  return {
    id: Number(order.id),
    userId: Number(order.user_id),
    status: order.status,
    items: lines.map((l) => ({ productId: Number(l.product_id), name: l.name, imageUrl: l.image_url, priceCents: Number(l.price_cents), quantity: Number(l.quantity) })),
    totalCents: Number(order.total_cents),
    address: JSON.parse(order.address) as AddressSnapshot,
    createdAt: Number(order.created_at),
    paidAt: Number(order.paid_at),
    cancelReason: order.cancel_reason,
    paymentId: order.payment_id,
  };
}
