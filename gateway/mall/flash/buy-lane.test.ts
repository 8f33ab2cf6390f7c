// Which buys the lane takes (and answers), and which it leaves untouched to the Fastify route;
// test/flash-sale.lane.test.ts proves the two answer alike.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import type { LaneExchange } from '../../lanes.js';
import { buyLane, LANE_BODY_BYTES } from './buy-lane.js';
import type { BuyGate, SoldOutPass } from './index.js';

const PATH = '/api/v1/mall/flash-sales/42/buy';
const BODY = '{"address_id":7}';

function request(o: { url?: string; headers?: Record<string, string>; body?: string } = {}): IncomingMessage {
  const req = Readable.from([Buffer.from(o.body ?? BODY)], { objectMode: false }) as unknown as IncomingMessage;
  const body = o.body ?? BODY;
  Object.assign(req, { method: 'POST', url: o.url ?? PATH, headers: { authorization: 'Bearer good', 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...o.headers } });
  for (const [k, v] of Object.entries(req.headers)) if (v === '') delete req.headers[k];
  return req;
}

function setup(gateAnswer: SurgeError | 'pass' = 'pass') {
  const settled: string[] = [];
  const bought: unknown[] = [];
  const pass: SoldOutPass = { settle: (outcome) => void settled.push(outcome) } as SoldOutPass;
  const answer = () => (gateAnswer === 'pass' ? pass : gateAnswer);
  const gate: BuyGate = { enter: async () => answer(), enterKnown: () => answer() };
  const lane = buyLane({
    prefix: '/api/v1/mall',
    // 'good' names an account confirmed lately; 'unconfirmed' one the user service is being asked about.
    callers: {
      check: (t: string) => {
        if (t === 'good') return { sub: 9 } as never;
        if (t === 'unconfirmed') return Promise.resolve({ sub: 10 }) as never;
        throw new SurgeError(Code.Unauthenticated, 'bad token');
      },
    },
    gate,
    readJson: (text) => JSON.parse(text),
    checkBody: () => undefined,
    buy: async (input) => {
      bought.push(input);
      return { id: 1, saleId: 42, userId: 9, quantity: 1, status: 'reserved', orderId: 0, releaseReason: '', createdAt: 5 } as never;
    },
  });
  const answers: { status?: number; json?: string; err?: unknown }[] = [];
  let done!: () => void;
  const answered = new Promise<void>((r) => (done = r));
  const open = (userId: number): LaneExchange => {
    expect(userId).toBe(9);
    return { requestId: 'r', metadata: () => ({}), ok: (status, json) => (answers.push({ status, json }), done()), fail: (err) => (answers.push({ err }), done()) };
  };
  return { lane, open, answers, answered, settled, bought };
}

describe('the buy lane', () => {
  it('takes a plain buy: gate, body, Buy, 202 with the ticket; the pass settled reserved', async () => {
    const s = setup();
    expect(s.lane.take(request(), s.open)).toBe(true);
    await s.answered;
    expect(s.bought).toEqual([{ saleId: 42, userId: 9, addressId: 7, quantity: 1 }]);
    expect(s.answers[0]!.status).toBe(202);
    expect(JSON.parse(s.answers[0]!.json!).ticket).toMatchObject({ id: 1, sale_id: 42, status: 'reserved', order_id: null });
    expect(s.settled).toEqual(['reserved']);
  });

  it("answers the gate's refusal without reading the body or calling Buy", async () => {
    const refusal = new SurgeError(Code.FailedPrecondition, 'the flash sale is sold out', { details: { reason: 'sold_out' } });
    const s = setup(refusal);
    const req = request();
    expect(s.lane.take(req, s.open)).toBe(true);
    await s.answered;
    expect(s.answers).toEqual([{ err: refusal }]);
    expect(s.bought).toEqual([]);
    expect(req.readableEnded).toBe(false);
  });

  it.each([
    ['another path', { url: '/api/v1/mall/flash-sales/42/buyx' }],
    ['a query string', { url: `${PATH}?a=1` }],
    ['a sale id the route refuses', { url: '/api/v1/mall/flash-sales/0042/buy' }],
    ['an Origin (CORS headers are the route’s)', { headers: { origin: 'https://shop.example' } }],
    ['an encoded body', { headers: { 'content-encoding': 'gzip' } }],
    ['a chunked body', { headers: { 'transfer-encoding': 'chunked', 'content-length': '' } }],
    ['no Content-Length', { headers: { 'content-length': '' } }],
    ['a body over the lane’s size', { body: `{"address_id":7${' '.repeat(LANE_BODY_BYTES)}}` }],
    ['text/plain', { headers: { 'content-type': 'text/plain' } }],
    ['JSON in another charset', { headers: { 'content-type': 'application/json; charset=latin1' } }],
    ['no token', { headers: { authorization: '' } }],
    ['a bad token', { headers: { authorization: 'Bearer bad' } }],
    ['a token whose account is not confirmed lately', { headers: { authorization: 'Bearer unconfirmed' } }],
  ])('leaves %s to the route, untouched', (_name, o) => {
    const s = setup();
    const req = request(o);
    expect(s.lane.take(req, s.open)).toBe(false);
    expect(s.answers).toEqual([]);
    expect(req.readableFlowing).toBe(null);
  });

  it("answers the gate's failure (the sales unreadable) as the route's error handler would", async () => {
    const s = setup();
    const failing = buyLane({ prefix: '/api/v1/mall', callers: { check: () => ({ sub: 9 }) as never }, gate: { enter: async () => Promise.reject(new Error('seckill unreachable')), enterKnown: () => undefined }, readJson: JSON.parse, checkBody: () => undefined, buy: async () => ({}) as never });
    expect(failing.take(request(), s.open)).toBe(true);
    await s.answered;
    expect((s.answers[0]!.err as Error).message).toBe('seckill unreachable');
  });

  it('answers a bad body with the refusal and settles the pass as other', async () => {
    const s = setup();
    expect(s.lane.take(request({ body: '{"address_id":' }), s.open)).toBe(true);
    await s.answered;
    expect(s.answers[0]!.err).toBeInstanceOf(SyntaxError);
    expect(s.bought).toEqual([]);
    expect(s.settled).toEqual(['other']);
  });
});
