// Payment: the buyer starts paying an unpaid order (the amount is the order's, never the
// client's); the provider's signed callback arrives at /pay/notify as raw bytes and goes to the pay
// service unchanged, which verifies the signature (its key never reaches the gateway), applies the
// notification once, and refunds a payment for an order that was cancelled meanwhile.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Payment } from '#gen/surge/pay/v1/pay';
import { SIGNATURE_HEADERS } from '#kit/signature';
import { installSignedCallbacks } from '../../plugins/signature.js';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { MallDeps } from '../deps.js';
import { IdParams, NotifyReply, PayBody, PaymentReply } from '../schemas.js';

/** The largest notification body the pay service takes (pay.proto: HandleNotificationRequest.body). */
const NOTIFY_LIMIT_BYTES = 4096;

const paymentView = (p: Payment) => ({ id: p.id, order_id: p.orderId, status: p.status, amount_cents: p.amountCents, provider: p.provider, created_at: p.createdAt, paid_at: p.paidAt === 0 ? null : p.paidAt });

export async function payRoutes(fastify: FastifyInstance, d: MallDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const pay = d.clients.pay;

  app.post('/orders/:id/pay', {
    schema: { tags: ['mall orders'], summary: 'Pay my unpaid order; the order becomes paid when the provider notifies', security: [{ bearer: [] }], params: IdParams, body: PayBody, response: { 200: PaymentReply, ...errorReplies(400, 401, 404, 409) } },
    preHandler: app.authenticate,
    handler: async (request) => ({ payment: paymentView(await pay.createPayment({ userId: request.userId, orderId: request.params.id, simulate: request.body.simulate ?? '' }, callOptions(request))) }),
  });

  await app.register(async (callbacks) => {
    installSignedCallbacks(callbacks);
    callbacks.post('/pay/notify', {
      bodyLimit: NOTIFY_LIMIT_BYTES,
      schema: { tags: ['mall payment provider'], summary: "The payment provider's signed notification (x-surge-* signature headers)", response: { 200: NotifyReply, ...errorReplies(400, 401, 403, 404, 413) } },
      handler: async (request) => {
        const header = (name: string) => String(request.headers[name] ?? '');
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const reply = await pay.handleNotification(
          { body, signature: header(SIGNATURE_HEADERS.signature), timestamp: header(SIGNATURE_HEADERS.timestamp), keyId: header(SIGNATURE_HEADERS.keyId), nonce: header(SIGNATURE_HEADERS.nonce) },
          callOptions(request),
        );
        return { accepted: reply.accepted };
      },
    });
  });
}
