// The community API as bench/community/run.mjs uses it: a JSON client that fails on any
// unexpected status, and the seed (accounts, follows, articles), all through the public API as
// an app would make them.
import { pool, progress } from '../douyin.mjs';

export const COMMUNITY = '/api/v1/community';

/** Retries of a seed call refused as overloaded: distributed mode on 2 cores sheds some of 16 calls in flight (and then opens breakers). */
const SEED_RETRIES = 10;

/** One article body: about 1.5 KB of Markdown mixing Chinese and Latin, as a real post has. */
const BODY = [
  '# 开箱与第一印象',
  '',
  '这台手机的续航很好，屏幕亮度在户外也够用。The battery lasts a full day of heavy use, and the screen stays readable outdoors.',
  '',
  '## 性能',
  '',
  '- 日常应用打开很快 (apps open fast)',
  '- 游戏一小时后机身微热 (warm after an hour of games)',
  '- 拍照夜景表现不错 (good night shots)',
  '',
  '总结：值得购买。In short: worth buying, unless you need a small phone. '.repeat(8),
].join('\n');

export class CommunityApi {
  constructor(base) {
    this.base = base;
    /** Seed calls the system refused as overloaded (503: 50302 or 50303) and that were retried. */
    this.shed = 0;
  }

  /**
   * A call that must answer `expect`; resolves to the parsed reply (undefined when empty).
   * `overloadRetries`: how many times a 503 "service overloaded" (50302) or "circuit breaker is
   * open" (50303) is retried after a pause, as a client told to retry later does; only the seed
   * asks for it (a measured call that is refused fails the run).
   */
  async call(method, path, { token, body, expect = 200, overloadRetries = 0 } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }).catch((err) => {
        throw new Error(`${method} ${path}: ${err.message} (${err.cause?.code ?? err.cause?.message ?? 'no cause'})`);
      });
      const text = await res.text();
      if (res.status === 503 && attempt < overloadRetries && /"code":5030[23]/.test(text)) {
        this.shed++;
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        continue;
      }
      if (res.status !== expect) throw new Error(`${method} ${path} answered ${res.status} (expected ${expect}): ${text.slice(0, 300)}`);
      return text === '' ? undefined : JSON.parse(text);
    }
  }

  /** Publishes an article as `user`; answers its id. */
  async publish(user, n) {
    const body = { title: `评测 ${n}: 手机续航 by ${user.name}`, content: `${BODY}\n\n(${n})`, tags: ['手机', '评测'] };
    const { article } = await this.call('POST', `${COMMUNITY}/articles`, { token: user.token, body, expect: 201, overloadRetries: SEED_RETRIES });
    return article.id;
  }

  follow(follower, author) {
    return this.call('PUT', `${COMMUNITY}/follows/${author.id}`, { token: follower.token, overloadRetries: SEED_RETRIES });
  }

  /** The first page of `user`'s following feed. */
  feed(user, limit = 20) {
    return this.call('GET', `${COMMUNITY}/feed?limit=${limit}`, { token: user.token });
  }
}


/**
 * Registers `count` accounts ({id, token, name}). Four sign-ups in flight: password hashing
 * (scrypt, at the cost Surge is given) runs on libuv's 4 threads, more would only queue there.
 */
export async function registerUsers(api, { count, tag }) {
  const users = new Array(count);
  const tick = progress('registered', count);
  await pool(4, count, async (i) => {
    const name = `c${tag}_${i}`;
    const r = await api.call('POST', '/api/v1/users/register', { body: { username: name, password: `pw-${tag}` }, expect: 201, overloadRetries: SEED_RETRIES });
    users[i] = { id: r.id, token: r.token, name };
    tick();
  });
  return users;
}

/** Makes every [follower, author] pair a follow, `concurrency` at a time. */
export async function follow(api, pairs, concurrency) {
  const tick = progress('follows', pairs.length);
  await pool(concurrency, pairs.length, async (i) => {
    const r = await api.follow(pairs[i][0], pairs[i][1]);
    if (r.following !== true) throw new Error(`PUT /follows/${pairs[i][1].id} answered ${JSON.stringify(r)}`);
    tick();
  });
}

/** Publishes one article per entry of `authors` (an author listed twice publishes twice); answers the ids in that order. */
export async function publishAll(api, authors, concurrency) {
  const ids = new Array(authors.length);
  const tick = progress('articles', authors.length);
  await pool(concurrency, authors.length, async (i) => {
    ids[i] = await api.publish(authors[i], i);
    tick();
  });
  return ids;
}
