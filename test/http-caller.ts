// A JSON API called over real HTTP, as tests of separate processes call the gateway: a token and a
// JSON body when given, a 10 s bound per call, the JSON answer parsed. The base URL is read at each
// call, so a test can move to another gateway after killing one.
export interface HttpCallOptions {
  body?: unknown;
  token?: string;
}

export interface HttpAnswer {
  status: number;
  body: any;
}

export const httpCaller =
  (base: () => string) =>
  async (method: string, path: string, o: HttpCallOptions = {}): Promise<HttpAnswer> => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
