// The mall API as its tests call it: a JSON request injected into a test system's gateway, with a
// token and headers when given; a JSON answer is parsed, any other is its text.
import type { TestSystem } from './harness.js';

export interface MallCallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

/** A caller bound to `system()` (read at each call, so a suite can start its system later). */
export const mallCaller =
  (system: () => TestSystem) =>
  async (method: string, url: string, o: MallCallOptions = {}) => {
    const res = await system().app.inject({
      method: method as 'GET',
      url,
      remoteAddress: '127.0.0.1',
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
      payload: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    const json = res.headers['content-type']?.toString().startsWith('application/json');
    return { status: res.statusCode, body: res.body && json ? JSON.parse(res.body) : res.body, headers: res.headers };
  };
