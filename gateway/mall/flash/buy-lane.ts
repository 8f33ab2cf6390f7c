// The buy route's lane (gateway/lanes.ts): POST …/flash-sales/:id/buy answered ahead of Fastify,
// step for step as its route (routes/flash-sales.ts) answers it: the token, the buy gate (a
// refusal is answered before the body is read), then the body read, shape-checked, parsed and
// validated by the route's own rules, then Buy, then 202 with the ticket.
//
// Left to the route, untouched, is every request whose answer the gateway's plumbing shapes:
// one with an Origin (CORS headers), an encoded, chunked or over-small/over-large body, a
// Content-Type but plain JSON, a missing or bad token (401), a sale id the route refuses (400),
// and a token whose account has not been confirmed lately (the route waits for the user service).
import type { IncomingMessage } from 'node:http';
import type { Callers } from '#kit/auth';
import { SurgeError } from '#kit/errors';
import type { CallOptions } from '#kit/rpc';
import type { BuyRequest, Ticket } from '#gen/surge/seckill/v1/seckill';
import type { Lane, LaneExchange } from '../../lanes.js';
import { bearer } from '../../plugins/auth.js';
import { readAll } from '../../plugins/raw-body.js';
import { ID_DIGITS } from '../../schemas/common.js';
import { ticketView } from '../views.js';
import { buyUnder, type BuyGate, type SoldOutPass } from './index.js';

/** The largest body the lane reads: a buy is two small integers; anything longer is the route's to judge. */
export const LANE_BODY_BYTES = 256;
/** application/json, alone or with charset=utf-8: what the route's parser takes without a question. */
const JSON_TYPE = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;

export interface BuyLaneDeps {
  /** Where the mall's routes live ('/api/v1/mall'). */
  prefix: string;
  callers: Callers;
  gate: BuyGate;
  /** The route's JSON reading (plugins/json-body.ts jsonBodyReader): the value, or throws the refusal. */
  readJson: (text: string) => unknown;
  /** The route's body schema, compiled (plugins/validation.ts compileBodyCheck). */
  checkBody: (body: unknown) => SurgeError | undefined;
  buy: (request: BuyRequest, options: CallOptions) => Promise<Ticket>;
}

interface BuyBody {
  address_id: number;
  quantity?: number;
}

export function buyLane(d: BuyLaneDeps): Lane {
  const path = new RegExp(`^${d.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/flash-sales/(${ID_DIGITS})/buy$`);

  /** The gate, then the buy; a refusal is answered before the body is read, as the route's onRequest answers it (node:http reads the rest away once the reply is out). */
  function serve(req: IncomingMessage, ex: LaneExchange, userId: number, saleId: number): void {
    // A flood is on a sale in the copy: answered in this call, with no promise.
    const known = d.gate.enterKnown(userId, saleId);
    if (known instanceof SurgeError) return ex.fail(known);
    if (known !== undefined) return void buy(req, ex, userId, saleId, known);
    d.gate.enter(userId, saleId).then(
      (entry) => (entry instanceof SurgeError ? ex.fail(entry) : buy(req, ex, userId, saleId, entry)),
      (err: unknown) => ex.fail(err),
    );
  }

  async function buy(req: IncomingMessage, ex: LaneExchange, userId: number, saleId: number, entry: SoldOutPass): Promise<void> {
    try {
      const ticket = await buyUnder(entry, async () => {
        const body = d.readJson((await readAll(req, LANE_BODY_BYTES)).toString('utf8'));
        const invalid = d.checkBody(body);
        if (invalid !== undefined) throw invalid;
        const { address_id, quantity } = body as BuyBody;
        return d.buy({ saleId, userId, addressId: address_id, quantity: quantity ?? 1 }, { metadata: ex.metadata() });
      });
      ex.ok(202, JSON.stringify({ ticket: ticketView(ticket) }));
    } catch (err) {
      ex.fail(err);
    }
  }

  return {
    method: 'POST',
    route: `${d.prefix}/flash-sales/:id/buy`,
    take(req, open) {
      const m = path.exec(req.url ?? '');
      if (m === null) return false;
      const saleId = Number(m[1]);
      if (!Number.isSafeInteger(saleId)) return false;
      const h = req.headers;
      if (h.origin !== undefined || h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined) return false;
      if (h['content-type'] === undefined || !JSON_TYPE.test(h['content-type'])) return false;
      const length = Number(h['content-length']);
      if (!(length >= 2 && length <= LANE_BODY_BYTES)) return false;
      let claims: ReturnType<Callers['check']>;
      try {
        claims = d.callers.check(bearer(h.authorization));
      } catch {
        return false;
      }
      if (claims instanceof Promise) {
        // Left to the route, whose own check shares the question this one started.
        claims.catch(() => undefined);
        return false;
      }
      serve(req, open(claims.sub), claims.sub, saleId);
      return true;
    },
  };
}
