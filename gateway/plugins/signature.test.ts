import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code } from '#kit/errors';
import { createMemoryLimitStore } from '#kit/limit';
import { createSignatureVerifier, replayGuardOn, signRequest } from '#kit/signature';
import { installErrorHandling } from './errors.js';
import { installJsonBody } from './json-body.js';
import { installSignedCallbacks, signatureCheck } from './signature.js';

const KEY = { id: 'acme-1', secret: 'k'.repeat(32) };
const clock = new ManualClock();
let app: FastifyInstance | undefined;
afterEach(() => app?.close());

async function gateway(): Promise<FastifyInstance> {
  app = Fastify();
  installErrorHandling(app);
  installJsonBody(app);
  const verifier = createSignatureVerifier({ keys: { [KEY.id]: KEY.secret }, clock, replay: replayGuardOn(createMemoryLimitStore({ clock })) });
  await app.register(
    async (callbacks) => {
      installSignedCallbacks(callbacks);
      callbacks.post('/payments', { preHandler: signatureCheck(verifier) }, async (request) => ({
        key: request.signedBy?.keyId,
        bytes: (request.body as Buffer).length,
        order: (JSON.parse((request.body as Buffer).toString('utf8')) as { order: number }).order,
      }));
    },
    { prefix: '/callbacks' },
  );
  await app.ready();
  return app;
}

// The bytes as the provider sends them: spacing a parse-and-serialize would lose.
const body = '{ "order": 7,  "status": "paid" }';
const url = '/callbacks/payments?provider=acme';
const signed = (b = body, path = url, method = 'POST') => ({ 'content-type': 'application/json', ...signRequest({ method, path, body: b }, KEY, { clock }) });

describe('signed callbacks', () => {
  it('accepts a signed notification, handing the handler the exact bytes and the key id', async () => {
    const a = await gateway();
    const res = await a.inject({ method: 'POST', url, headers: signed(), payload: body });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ key: KEY.id, bytes: Buffer.byteLength(body), order: 7 });
  });

  it('refuses a tampered body, path or method with 401 in Surge\'s shape, before the handler', async () => {
    const a = await gateway();
    const tampered = [
      { url, headers: signed(), payload: body.replace('7', '8') },
      { url: '/callbacks/payments?provider=evil', headers: signed(), payload: body },
      { url, headers: signed(body, url, 'PUT'), payload: body },
    ];
    for (const t of tampered) {
      const res = await a.inject({ method: 'POST', ...t });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ code: Code.Unauthenticated, message: 'request signature: does not match the request' });
    }
  });

  it('refuses a replay and an unsigned request', async () => {
    const a = await gateway();
    const headers = signed();
    expect((await a.inject({ method: 'POST', url, headers, payload: body })).statusCode).toBe(200);
    const replay = await a.inject({ method: 'POST', url, headers, payload: body });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().message).toMatch(/replay/);
    const unsigned = await a.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: body });
    expect(unsigned.statusCode).toBe(401);
  });
});
