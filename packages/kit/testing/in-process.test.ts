// A stand-in for part of a contract, called as a test's service calls it: only the methods named,
// under the contract's name, every message through the codec, deadlines on the real clock.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { OrderServiceDefinition, type Order } from '#gen/surge/order/v1/order';
import { contractPart, inProcessClient, testCallContext } from './in-process.js';
import { rejectionOf } from './refusal.js';

const order: Order = { id: 7, userId: 3, status: 'paid', items: [], totalCents: 1000, address: undefined, createdAt: 1, paidAt: 2, cancelReason: '', paymentId: 'pay-7' };

describe('contractPart and inProcessClient', () => {
  it('keeps the named methods under the contract name, and nothing else', () => {
    const part = contractPart(OrderServiceDefinition, ['getOrder', 'markPaid']);
    expect(part.fullName).toBe(OrderServiceDefinition.fullName);
    expect(Object.keys(part.methods).sort()).toEqual(['getOrder', 'markPaid']);
    expect(part.methods.getOrder).toBe(OrderServiceDefinition.methods.getOrder);
  });

  it('answers through the codec, with the deadline on the real clock', async () => {
    const deadlines: number[] = [];
    const client = inProcessClient(contractPart(OrderServiceDefinition, ['getOrder']), {
      async getOrder(req, ctx) {
        deadlines.push(ctx.deadline!);
        return { ...order, id: req.id };
      },
    });
    const before = Date.now();
    await expect(client.getOrder({ userId: 3, id: 9 })).resolves.toEqual({ ...order, id: 9 });
    expect(deadlines[0]).toBeGreaterThanOrEqual(before + 30_000);
    expect(deadlines[0]).toBeLessThanOrEqual(Date.now() + 30_000);
    expect(testCallContext().deadline).toBeGreaterThanOrEqual(before + 30_000);
  });

  it('refuses a reply the wire cannot carry, as between processes', async () => {
    const client = inProcessClient(contractPart(OrderServiceDefinition, ['getOrder']), {
      getOrder: async () => ({ ...order, createdAt: 'yesterday' as unknown as number }),
    });
    await rejectionOf(client.getOrder({ userId: 3, id: 7 }), Code.Internal);
  });
});
