// A Douyin client for the end-to-end tests: calls as the mobile app makes them (query strings,
// url-encoded and multipart forms), each answer's envelope parsed.
import { expect } from 'vitest';

export type Reply = Record<string, any> & { status_code: number; status_msg: string };
export type Send = 'query' | 'form' | 'multipart';

/** Parameters and reply fields that are credentials: the client remembers every value it sent or got. */
const SECRET_PARAMS = new Set(['password', 'token']);

export class DouyinClient {
  /** Every password and token this client sent or was given, for tests that look for them where they must not be. */
  readonly secrets = new Set<string>();

  constructor(readonly base: string) {}

  async call(method: 'GET' | 'POST', path: string, params: Record<string, string | number | undefined>, o: { send?: Send; file?: { bytes: Uint8Array; name: string; type: string } } = {}): Promise<Reply> {
    const entries = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined).map(([k, v]) => [k, String(v)] as [string, string]);
    for (const [k, v] of entries) if (SECRET_PARAMS.has(k) && v !== '') this.secrets.add(v);
    const send = o.file ? 'multipart' : (o.send ?? 'query');
    let url = `${this.base}${path}`;
    let body: URLSearchParams | FormData | undefined;
    if (send === 'query') url += `?${new URLSearchParams(entries)}`;
    else if (send === 'form') body = new URLSearchParams(entries);
    else {
      const form = new FormData();
      for (const [k, v] of entries) form.append(k, v);
      if (o.file) form.append('data', new Blob([o.file.bytes], { type: o.file.type }), o.file.name);
      body = form;
    }
    const res = await fetch(url, { method, body });
    expect(res.status, `${method} ${path} answers HTTP 200`).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const reply = (await res.json()) as Reply;
    if (typeof reply.token === 'string' && reply.token !== '') this.secrets.add(reply.token);
    expect(typeof reply.status_code).toBe('number');
    expect(typeof reply.status_msg).toBe('string');
    return reply;
  }

  /** A call that must succeed. */
  async ok(method: 'GET' | 'POST', path: string, params: Record<string, string | number | undefined>, o: Parameters<DouyinClient['call']>[3] = {}): Promise<Reply> {
    const r = await this.call(method, path, params, o);
    expect(r.status_code, `${path}: ${r.status_msg}`).toBe(0);
    return r;
  }
}

/**
 * Polls until check passes (counters follow events through the queue: outbox relay, consumer,
 * cache invalidation). The cap is generous because a loaded CI machine runs many suites against
 * the same servers at once; the value must still become exact.
 */
export async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    if (Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const USER_FIELDS = ['id', 'name', 'follow_count', 'follower_count', 'is_follow', 'avatar', 'background_image', 'signature', 'total_favorited', 'work_count', 'favorite_count'];
export const VIDEO_FIELDS = ['id', 'author', 'play_url', 'cover_url', 'favorite_count', 'comment_count', 'is_favorite', 'title'];
