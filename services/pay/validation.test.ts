// Bad input for every RPC, table-driven: each is refused with InvalidArgument naming the field,
// before any work is done (no order is read, the provider is not asked, nothing is written).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import type { HandleNotificationRequest } from '#gen/surge/pay/v1/pay';
import { openPayFixture, type PayFixture } from './testing/fixture.js';

const [sqlite] = await testDatabases();
let f: PayFixture;
let orderId: number;
let good: HandleNotificationRequest;

beforeAll(async () => {
  f = await openPayFixture(sqlite!);
  orderId = f.putOrder(7).id;
  good = f.signed(1, 'paid', 100);
});
afterAll(async () => {
  await f.close();
  await sqlite!.cleanup();
});

interface Case {
  name: string;
  call: () => Promise<unknown>;
  field: string;
}

const notify = (change: Partial<HandleNotificationRequest>) => () => f.svc.handleNotification({ ...good, ...change });

/** CreateReferencePayment: a VIP payment with one field changed. */
function referenceCases(): Case[] {
  const vip = { userId: 7, purpose: 'vip', reference: '123', amountCents: 1500, simulate: '' };
  const row = (name: string, change: Partial<typeof vip>, field: string): Case => ({ name: `CreateReferencePayment ${name}`, call: () => f.svc.createReferencePayment({ ...vip, ...change }), field });
  return [
    row('without a user', { userId: 0 }, 'user_id'),
    row('for an order (CreatePayment pays those)', { purpose: 'order' }, 'purpose'),
    row('without a purpose', { purpose: '' }, 'purpose'),
    row('for an unknown purpose', { purpose: 'tip' }, 'purpose'),
    row('with the purpose in capitals', { purpose: 'VIP' }, 'purpose'),
    row('without a reference', { reference: '' }, 'reference'),
    row('with a 65-character reference', { reference: 'r'.repeat(65) }, 'reference'),
    row('with a space in the reference', { reference: 'a b' }, 'reference'),
    row('for 0 cents', { amountCents: 0 }, 'amount_cents'),
    row('for -1 cents', { amountCents: -1 }, 'amount_cents'),
    row('for 10,000,001 cents', { amountCents: 10_000_001 }, 'amount_cents'),
    row('with an unknown simulate', { simulate: 'succeed' }, 'simulate'),
  ];
}

const cases: Case[] = [
  { name: 'CreatePayment without a user', call: () => f.svc.createPayment({ userId: 0, orderId, simulate: '' }), field: 'user_id' },
  { name: 'CreatePayment with a negative user', call: () => f.svc.createPayment({ userId: -1, orderId, simulate: '' }), field: 'user_id' },
  { name: 'CreatePayment without an order', call: () => f.svc.createPayment({ userId: 7, orderId: 0, simulate: '' }), field: 'order_id' },
  { name: 'CreatePayment with an unknown simulate', call: () => f.svc.createPayment({ userId: 7, orderId, simulate: 'succeed' }), field: 'simulate' },
  { name: 'CreatePayment with simulate in capitals', call: () => f.svc.createPayment({ userId: 7, orderId, simulate: 'FAIL' }), field: 'simulate' },
  ...referenceCases(),
  { name: 'GetPayment without a user', call: () => f.svc.getPayment({ userId: 0, id: 1 }), field: 'user_id' },
  { name: 'GetPayment without an id', call: () => f.svc.getPayment({ userId: 7, id: 0 }), field: 'id' },
  { name: 'HandleNotification with an empty body', call: notify({ body: Buffer.alloc(0) }), field: 'body' },
  { name: 'HandleNotification with a 4097-byte body', call: notify({ body: Buffer.alloc(4097, 0x20) }), field: 'body' },
  { name: 'HandleNotification without a signature', call: notify({ signature: '' }), field: 'signature' },
  { name: 'HandleNotification with a 65-character signature', call: notify({ signature: 'a'.repeat(65) }), field: 'signature' },
  { name: 'HandleNotification without a timestamp', call: notify({ timestamp: '' }), field: 'timestamp' },
  { name: 'HandleNotification with a 13-digit timestamp', call: notify({ timestamp: '1'.repeat(13) }), field: 'timestamp' },
  { name: 'HandleNotification without a key id', call: notify({ keyId: '' }), field: 'key_id' },
  { name: 'HandleNotification with a 65-character key id', call: notify({ keyId: 'k'.repeat(65) }), field: 'key_id' },
  { name: 'HandleNotification without a nonce', call: notify({ nonce: '' }), field: 'nonce' },
  { name: 'HandleNotification with a 65-character nonce', call: notify({ nonce: 'n'.repeat(65) }), field: 'nonce' },
];

describe('bad input for every RPC', () => {
  it.each(cases)('$name is refused naming $field, before any work', async ({ call, field }) => {
    const err = await rejectionOf(call(), Code.InvalidArgument);
    expect(err.details?.field).toBe(field);
    expect(err.message.startsWith(`${field}: `)).toBe(true);
    expect(f.provider.charges).toHaveLength(0);
    expect(f.markPaidCalls).toHaveLength(0);
    expect(await f.db.db.selectFrom('payments').selectAll().execute()).toHaveLength(0);
    expect(await f.db.db.selectFrom('notifications').selectAll().execute()).toHaveLength(0);
  });

  it('Reconcile takes no input and answers a report of zeros on an empty database', async () => {
    await expect(f.svc.reconcile({})).resolves.toEqual({ checked: 0, markedPaid: 0, refunded: 0, refundsRetried: 0, paidWithoutPayment: 0, disputed: 0, failed: 0, pendingResolved: 0 });
  });
});
