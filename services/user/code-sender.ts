// How a verification code reaches the user (user.codeSender): an SMS gateway behind a webhook in
// production; the log at debug level for a developer's embedded run; or nothing, and SendCode
// says mobile sign-in is not configured. No sender writes a code anywhere but its destination.
import { Code, SurgeError, errors } from '#kit/errors';

export interface CodeSender {
  send(mobile: string, code: string, expiresInSeconds: number): Promise<void>;
}

/** Embedded mode only (the configuration refuses it elsewhere): the code at debug level, so an info-level log never holds one. */
export function logCodeSender(log: { debug(obj: object, msg: string): void }): CodeSender {
  return {
    async send(mobile, code, expiresInSeconds) {
      log.debug({ mobile: mask(mobile), code, expiresInSeconds }, 'verification code (log sender, embedded mode)');
    },
  };
}

/** user.codeSender.driver 'off': every SendCode fails, saying why, before a code leaves the process. */
export function disabledCodeSender(): CodeSender {
  return {
    async send() {
      throw new SurgeError(Code.FailedPrecondition, 'mobile sign-in is not configured on this server (user.codeSender); sign in with a username and password');
    },
  };
}

export interface WebhookCodeSenderOptions {
  /** The SMS gateway's endpoint; it receives POST {mobile, code, ttlSeconds} as JSON and answers 2xx once it has the message. Required. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. Default '': no header. */
  token?: string;
  /** One delivery's time limit. Default 1500 ms: below the default RPC deadline (2 s), so the caller hears Unavailable rather than a deadline. */
  timeoutMs?: number;
}

const DEFAULT_WEBHOOK_TIMEOUT_MS = 1500;

/**
 * Posts each code to an SMS gateway. Any failure (no answer in time, refused connection, a non-2xx
 * status) is Unavailable; neither the code nor the token goes into the error, whose cause holds
 * only the status or the network error.
 */
export function webhookCodeSender(o: WebhookCodeSenderOptions): CodeSender {
  const url = new URL(o.url);
  const timeoutMs = o.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) };
  return {
    async send(mobile, code, ttlSeconds) {
      let status: number;
      try {
        const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ mobile, code, ttlSeconds }), signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
        status = res.status;
        // Free the connection; the gateway's answer carries nothing we use.
        await res.body?.cancel().catch(() => undefined);
      } catch (err) {
        const why = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'not reachable';
        throw errors.unavailable('the SMS gateway', new Error(`SMS webhook ${url.origin}: ${why}`, { cause: err }));
      }
      if (status < 200 || status > 299) throw errors.unavailable('the SMS gateway', new Error(`SMS webhook ${url.origin}: HTTP ${status}`));
    },
  };
}

/** +8613812345678 → ****5678: the last four digits, enough to tell numbers apart in a log. Never shown publicly. */
export function mask(mobile: string): string {
  return `****${mobile.replace(/\D/g, '').slice(-4)}`;
}
