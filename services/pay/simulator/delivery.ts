// One notification's delivery: POSTed to the notify URL, signed afresh for each try (its own
// timestamp and nonce, as #kit/signature asks), retried with doubling back-off while the
// receiver does not answer 2xx; after the last try it is left to the reconciliation.
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import { signRequest, type SigningKey } from '#kit/signature';

export interface DeliveryOptions {
  url: URL;
  key: SigningKey;
  clock: Clock;
  log: Logger;
  /** Waits before the 2nd, 3rd… try. Default 1 s, 2 s, 4 s, 8 s: a gateway restarting is back within them. */
  retryDelaysMs?: readonly number[];
  /** One try's time limit. Default 5000 ms. */
  timeoutMs?: number;
  /** Stops the retries (the provider closing). */
  signal?: AbortSignal;
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 4000, 8000];

/** True once a try was answered 2xx; false when every try failed or the signal stopped it. */
export async function deliverSigned(body: string, o: DeliveryOptions): Promise<boolean> {
  const delays = o.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const path = o.url.pathname + o.url.search;
  for (let attempt = 0; attempt <= delays.length; attempt += 1) {
    if (attempt > 0) {
      try {
        await o.clock.sleep(delays[attempt - 1]!, o.signal);
      } catch {
        return false; // closing
      }
    }
    const headers = { 'content-type': 'application/json', ...signRequest({ method: 'POST', path, body }, o.key, { clock: o.clock }) };
    let why: string;
    try {
      const res = await fetch(o.url, { method: 'POST', headers, body, redirect: 'error', signal: o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMs ?? 5000)]) : AbortSignal.timeout(o.timeoutMs ?? 5000) });
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status <= 299) return true;
      why = `HTTP ${res.status}`;
    } catch (err) {
      if (o.signal?.aborted) return false; // closing
      why = (err as Error).name === 'TimeoutError' ? 'no answer in time' : 'not reachable';
    }
    o.log.warn({ url: o.url.origin + path, attempt: attempt + 1, why }, 'pay simulator: a notification was not taken');
  }
  return false;
}
