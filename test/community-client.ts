// The community e2e tests' client of one test system, as a mobile client uses the API: JSON in
// and out through the gateway, signed in with a token when given; and sign-ups with fresh names.
import { expect } from 'vitest';
import type { TestSystem } from './harness.js';

export interface CallOptions {
  body?: unknown;
  /** A body sent as it is (malformed JSON on purpose). */
  raw?: string;
  /** Signed in as that user. */
  token?: string;
  /** The Authorization header exactly as given (a bad one). */
  auth?: string;
}

export interface Answer {
  status: number;
  body: any;
  text: string;
}

export interface Account {
  id: number;
  token: string;
  username: string;
}

export function communityClient(sys: () => TestSystem, prefix: string) {
  let seq = 0;
  /** A name no other test of the run uses. */
  const uniq = (p = prefix) => `${p}${Date.now().toString(36)}${seq++}`;
  const call = async (method: string, url: string, o: CallOptions = {}): Promise<Answer> => {
    const auth = o.auth ?? (o.token ? `Bearer ${o.token}` : undefined);
    const res = await sys().app.inject({
      method: method as 'GET',
      url,
      remoteAddress: '127.0.0.1',
      headers: { ...(auth ? { authorization: auth } : {}), ...(o.body !== undefined || o.raw !== undefined ? { 'content-type': 'application/json' } : {}) },
      payload: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, text: res.body };
  };
  const signUp = async (): Promise<Account> => {
    const username = uniq();
    const res = await call('POST', '/api/v1/users/register', { body: { username, password: 'secret123' } });
    expect(res.status, res.text).toBe(201);
    return { ...(res.body as { id: number; token: string }), username };
  };
  return { call, signUp, uniq };
}

/** Reads until done(value) or ms pass (events are applied a moment after the request): the last value read. */
export async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}
