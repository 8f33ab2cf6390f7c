// Seeding the Douyin API for the feed and social benchmarks: a client that calls the routes as the
// app does (query strings, multipart uploads) and fails on any non-zero status_code, a pool to
// keep several calls in flight, the users and videos both benchmarks start from, and wrk scripts
// that check every reply's status_code.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { positiveInt, REPORT_LUA, root } from './harness.mjs';

/** Settings every Douyin benchmark gives Surge: seeding registers many users from one address,
 * covers are placeholders (taking a frame with ffmpeg would make seeding 10k uploads slow),
 * passwords are hashed at 2^10 instead of 2^17 (10k sign-ups at ~0.3 s of a core each would take
 * most of an hour; the runs measure feeds and social routes, not sign-in), and the bounds on
 * uploads at once are lifted (--seed-concurrency uploads start together from one address). */
export const SEED_ENV = {
  SURGE__limits__loginPerIp__quota: '1000000',
  SURGE__video__ffmpeg: '',
  SURGE__auth__passwordCost: '10',
  SURGE__douyin__uploadsInFlight: '100000',
  SURGE__douyin__uploadsPerUser: '100000',
  SURGE__douyin__uploadsPerAddress: '100000',
};

/**
 * Writes a wrk script that checks every Douyin reply: `prefix` (Lua source, e.g. data tables),
 * the JSON reporter, the status check, then `files` (paths of more Lua). Runs with it must pass
 * `extra: ['WRK_STATUS', …]` and go through checkReplies().
 */
export function douyinScript(path, { prefix = '', files = [] } = {}) {
  const parts = [prefix, readFileSync(REPORT_LUA, 'utf8'), readFileSync(join(root, 'bench', 'douyin-status.lua'), 'utf8'), ...files.map((f) => readFileSync(f, 'utf8'))];
  writeFileSync(path, parts.join('\n'));
  return path;
}

/** Stops a run in which a reply had a non-zero status_code: an error served fast is not throughput. */
export function checkReplies(name, run) {
  const s = run.extra.WRK_STATUS;
  if (s.failed > 0) throw new Error(`${name}: ${s.failed} of ${run.requests} replies had a non-zero status_code (first: ${s.sample}); the figures are void`);
}

/**
 * The bytes of every seeded upload: a few KB (the API stores and serves them as they are) that
 * begin with an MP4 `ftyp` box, since the gateway refuses uploads that are not a video container.
 */
const UPLOAD = new Uint8Array(4096).map((_, i) => (i * 31 + 7) & 0xff);
UPLOAD.set([0, 0, 0, 24, ...Buffer.from('ftypisom'), 0, 0, 2, 0, ...Buffer.from('isommp41')]);

export class Douyin {
  constructor(base) {
    this.base = base;
  }

  url(path, params = {}) {
    const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    return `${this.base}${path}${q.size > 0 ? `?${q}` : ''}`;
  }

  /** A call that must succeed: HTTP 200 and status_code 0. `file` sends a multipart upload. */
  async ok(method, path, params = {}, file) {
    let res;
    if (file) {
      const form = new FormData();
      for (const [k, v] of Object.entries(params)) form.append(k, String(v));
      form.append('data', new Blob([file.bytes], { type: file.type }), file.name);
      res = await fetch(`${this.base}${path}`, { method, body: form });
    } else {
      res = await fetch(this.url(path, params), { method });
    }
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${method} ${path} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
    const reply = JSON.parse(text);
    if (reply.status_code !== 0) throw new Error(`${method} ${path} answered status_code ${reply.status_code}: ${reply.status_msg}`);
    return reply;
  }

  /** A GET as wrk sends it: the raw bytes and content type, for capture and comparison. */
  async raw(path, params = {}) {
    const res = await fetch(this.url(path, params));
    const bytes = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`GET ${path} answered HTTP ${res.status}: ${bytes.toString('utf8', 0, 300)}`);
    return { bytes, type: res.headers.get('content-type') ?? '' };
  }
}

/** Runs fn(i) for i in [0, count) with at most `n` calls in flight; the first failure stops it. */
export async function pool(n, count, fn) {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(n, count) }, worker));
}

/** A counter to call once per finished item; prints at every tenth of the way, for long seeding steps. */
export function progress(label, total) {
  let done = 0;
  let shown = 0;
  return () => {
    done++;
    const tenth = Math.floor((done * 10) / total);
    if (tenth > shown || done === total) {
      shown = tenth;
      console.log(`bench:   ${label} ${done}/${total}`);
    }
  };
}

/**
 * Registers `users` accounts and publishes `videos` small uploads spread over them (video j by
 * user j mod users), `concurrency` calls in flight. Returns the users ({id, token, name}).
 */
export async function seedUsersAndVideos(api, { users, videos, concurrency, tag }) {
  const started = Date.now();
  const accounts = new Array(users);
  const registered = progress('registered', users);
  // Password hashing (scrypt) runs on libuv's 4 threads: more sign-ups in flight only queue there,
  // past the RPC deadline on a busy machine.
  await pool(Math.min(concurrency, 4), users, async (i) => {
    const name = `b${tag}_${i}`;
    const r = await api.ok('POST', '/douyin/user/register/', { username: name, password: `pw-${tag}` });
    accounts[i] = { id: r.user_id, token: r.token, name };
    registered();
  });
  const published = progress('published', videos);
  await pool(concurrency, videos, async (j) => {
    await api.ok('POST', '/douyin/publish/action/', { token: accounts[j % users].token, title: `clip ${j} by ${accounts[j % users].name}` }, { bytes: UPLOAD, name: `clip${j}.mp4`, type: 'video/mp4' });
    published();
  });
  console.log(`bench: seeded ${users} users and ${videos} videos in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return accounts;
}

/** Polls until check(value) holds; counters follow events through the queue. */
export async function eventually(what, read, check, ms = 60_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    if (Date.now() > end) throw new Error(`${what} within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The flags every Douyin runner takes, writing into `o`: mode, rounds, wrk settings, the request
 * log and the seed's size; `--small` applies `small`, a seed that takes seconds. A runner adds its own.
 */
export function douyinFlags(o, usage, small) {
  const int = (flag) => (v) => positiveInt(flag, v, usage);
  return {
    '--mode': (v) => (o.mode = v),
    '--rounds': (v) => (o.rounds = int('--rounds')(v)),
    '--duration': (v) => (o.duration = int('--duration')(v)),
    '--connections': (v) => (o.connections = int('--connections')(v)),
    '--threads': (v) => (o.threads = int('--threads')(v)),
    '--request-log': (v) => (o.requestLog = v === 'on' ? true : v === 'off' ? false : usage('--request-log is on or off')),
    // http.batchReplies (decision 87), for a side-by-side run of the gateway writing each reply as it is ready.
    '--batch-replies': (v) => (o.batchReplies = v === 'on' ? true : v === 'off' ? false : usage('--batch-replies is on or off')),
    '--users': (v) => (o.users = int('--users')(v)),
    '--videos': (v) => (o.videos = int('--videos')(v)),
    '--seed-concurrency': (v) => (o.seedConcurrency = int('--seed-concurrency')(v)),
    // A quick trial of the script itself: a seed small enough to take seconds.
    '--small': () => Object.assign(o, small),
  };
}

/** Refuses a mode or seed the runners cannot use; `minUsers` and `why` are the runner's own floor. */
export function checkDouyinOptions(o, usage, minUsers, why) {
  if (!['embedded', 'servers', 'distributed', 'both', 'all'].includes(o.mode)) usage('--mode is embedded, servers, distributed, both or all');
  if (o.users < minUsers) usage(`--users must be at least ${minUsers} (${why})`);
  if (o.videos < 30) usage('--videos must be at least 30 (one full feed page)');
}
