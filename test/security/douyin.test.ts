// Security probes of the /douyin/ face (docs/security.md, "Probes"): each block holds the cases of
// one finding of the hardening review, and fails if the hole it names opens again. New routes on
// this face add their probes here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../harness.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem('embedded', { 'limits.loginPerIp.quota': 1000 });
});
afterAll(async () => sys?.stop());

describe('the /douyin/ face', () => {
  it('is up', async () => {
    const res = await sys.app.inject({ method: 'GET', url: '/livez' });
    expect(res.statusCode).toBe(200);
  });

  // ── secrets and ops (items 1, 13) ──
  // The signing secret every install used before issue 17, public in the repository's history.
  const RETIRED_DEV_SECRET = 'surge-dev-jwt-secret-change-me-0000000000';

  it('refuses a token minted with the retired public development secret, in the query and in the form (item 1)', async () => {
    const { createTokens } = await import('#kit/auth');
    const reg = await sys.app.inject({ method: 'POST', url: `/douyin/user/register/?username=forge${Date.now().toString(36)}&password=secret123` });
    const { user_id: id, token, status_code } = reg.json() as { user_id: number; token: string; status_code: number };
    expect(status_code).toBe(0);
    const forged = createTokens({ secret: RETIRED_DEV_SECRET, ttlSeconds: 3600 }).sign({ sub: id });
    const read = await sys.app.inject({ method: 'GET', url: `/douyin/user/?user_id=${id}&token=${forged}` });
    expect(read.json()).toMatchObject({ status_code: 40101 });
    const act = await sys.app.inject({ method: 'POST', url: '/douyin/relation/action/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${forged}&to_user_id=${id}&action_type=1` });
    expect(act.json()).toMatchObject({ status_code: 40101 });
    // The genuine token still works: the refusal is the secret's doing.
    expect((await sys.app.inject({ method: 'GET', url: `/douyin/user/?user_id=${id}&token=${token}` })).json()).toMatchObject({ status_code: 0 });
  });

  it('keeps /metrics and /healthz from remote callers next to the Douyin routes (item 13)', async () => {
    for (const url of ['/metrics', '/healthz']) {
      const res = await sys.app.inject({ method: 'GET', url, remoteAddress: '198.51.100.7' });
      expect(res.statusCode, url).toBe(403);
      expect(res.json()).toMatchObject({ code: 40301 });
    }
  });
  // ── end secrets and ops ──

  // ── request edge (items 2, 7, 8, 12, 16) ──
  const rawHttp = async (request: string | Buffer) => (await import('./raw-http.js')).rawHttp(sys.url, request);
  const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const signUp = async (s: TestSystem) => {
    const reply = (await s.app.inject({ method: 'POST', url: `/douyin/user/register/?username=edge${unique()}&password=secret123` })).json() as { status_code: number; user_id: number; token: string };
    expect(reply.status_code).toBe(0);
    return reply;
  };
  const postBody = (type: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
    sys.app.inject({ method: 'POST', url: '/douyin/user/login/', headers: { 'content-type': type, ...headers }, payload });
  const SIGN_IN_EMPTY = { user_id: 0, token: '' };

  it('never writes a password or token to the access log, however the parameter name is written (item 2)', async () => {
    const logged = await startTestSystem('embedded', { 'limits.loginPerIp.quota': 1000 }, { captureLog: true });
    try {
      const name = `edge${unique()}`;
      const password = `pw-${unique()}`;
      const reg = (await logged.app.inject({ method: 'POST', url: `/douyin/user/register/?username=${name}&password=${password}` })).json() as { status_code: number; token: string };
      expect(reg.status_code).toBe(0);
      const urls = [
        // Names as the query parser reads them: percent-escapes decoded, in any case.
        `/douyin/user/login/?username=${name}&%70assword=${password}`,
        `/douyin/user/login/?username=${name}&pass%77ord=${password}`,
        `/douyin/user/login/?username=${name}&PASSWORD=${password}`,
        `/douyin/user/?%74oken=${reg.token}`,
        `/douyin/user/?TOKEN=${reg.token}`,
        `/douyin/feed/?latest_time=0&to%6Ben=${reg.token}`,
        `/douyin/feed/?latest_time=0&access_token=${reg.token}&code=${password}`,
      ];
      for (const url of urls) await logged.app.inject({ method: 'GET', url });
      // The decoded name is the parameter the route reads: the sign-in with %70assword succeeded.
      const log = await logged.logText();
      const lines = log.split('\n').filter((line) => line.includes('"msg":"request"'));
      expect(lines.length).toBe(urls.length + 1);
      expect(lines.filter((line) => line.includes('[redacted]'))).toHaveLength(urls.length + 1);
      expect(log).not.toContain(password);
      expect(log).not.toContain(reg.token);
    } finally {
      await logged.stop();
    }
  });

  it('refuses a JSON body with more fields or deeper nesting than the limits, in the envelope (item 7)', async () => {
    const keys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":0`).join(',')}}`;
    for (const n of [1001, 80_000]) {
      expect((await postBody('application/json', keys(n))).json(), `${n} keys`).toEqual({ status_code: 41301, status_msg: 'body: has more than the limit of 1000 fields (object keys and array items)', ...SIGN_IN_EMPTY });
    }
    for (const levels of [33, 100_000]) {
      const deep = `{"username":"a","password":"secret123","x":${'['.repeat(levels)}${']'.repeat(levels)}}`;
      expect((await postBody('application/json', deep)).json(), `${levels} levels`).toEqual({ status_code: 41301, status_msg: 'body: nests deeper than the limit of 32 levels', ...SIGN_IN_EMPTY });
    }
    // At the limits the body is read as before.
    expect((await postBody('application/json', keys(1000))).json()).toMatchObject({ status_code: 40001, status_msg: 'username: is required' });
  });

  it('refuses a url-encoded body with more fields than the limit instead of silently dropping the rest (item 8)', async () => {
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `f${i}=0`).join('&');
    // Before, node:querystring kept the first 1000 fields: username and password vanished and the
    // answer blamed a missing username.
    const over = await postBody('application/x-www-form-urlencoded', `${filler(1000)}&username=nobody${unique()}&password=secret123`);
    expect(over.json()).toEqual({ status_code: 41301, status_msg: 'body: has more than the limit of 1000 fields', ...SIGN_IN_EMPTY });
    // At the limit every field is read, the last ones too.
    const at = await postBody('application/x-www-form-urlencoded', `${filler(998)}&username=nobody${unique()}&password=secret123`);
    expect(at.json()).toMatchObject({ status_code: 40101, status_msg: expect.stringContaining('wrong username or password') });
  });

  it('reads every query parameter, however many: the query parser drops none (item 8)', async () => {
    const me = await signUp(sys);
    const filler = Array.from({ length: 1500 }, (_, i) => `f${i}=0`).join('&');
    const res = await sys.app.inject({ method: 'GET', url: `/douyin/user/?${filler}&token=${me.token}` });
    expect(res.json()).toMatchObject({ status_code: 0, user: { id: me.user_id } });
  });

  it('refuses a body in a Content-Encoding the server does not decode, in the envelope; identity is read (item 8)', async () => {
    const { gzipSync } = await import('node:zlib');
    const form = `username=nobody${unique()}&password=secret123`;
    for (const [encoding, payload] of [['gzip', gzipSync(form)], ['deflate', form], ['br, identity', form]] as const) {
      expect((await postBody('application/x-www-form-urlencoded', payload, { 'content-encoding': encoding })).json(), encoding).toEqual({
        status_code: 41501,
        status_msg: `Content-Encoding: ${JSON.stringify(encoding)} is not accepted; send the body unencoded (identity)`,
        ...SIGN_IN_EMPTY,
      });
    }
    expect((await postBody('application/x-www-form-urlencoded', form, { 'content-encoding': 'identity' })).json()).toMatchObject({ status_code: 40101 });
  });

  /** Publishes one clip on `s` (so the feed has URLs to look at). */
  const publish = async (s: TestSystem) => {
    const { sampleVideo } = await import('../douyin/media.js');
    const me = await signUp(s);
    const clip = sampleVideo();
    const upload = new FormData();
    upload.append('token', me.token);
    upload.append('title', 'host probe');
    upload.append('data', new Blob([clip.bytes], { type: clip.type }), clip.name);
    const encoded = new Request('http://surge.test/', { method: 'POST', body: upload });
    const res = await s.app.inject({ method: 'POST', url: '/douyin/publish/action/', headers: { 'content-type': encoded.headers.get('content-type')! }, payload: Buffer.from(await encoded.arrayBuffer()) });
    expect(res.json()).toMatchObject({ status_code: 0 });
  };
  /** The play and cover URLs of the first feed page, asked over a real connection with the given headers. */
  const mediaUrls = async (s: TestSystem, headers: Record<string, string>) => {
    const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const res = await rawHttp(`GET /douyin/feed/ HTTP/1.1\r\n${head}Connection: close\r\n\r\n`);
    const feed = JSON.parse(res.body) as { video_list: { play_url: string; cover_url: string }[] };
    expect(feed.video_list.length).toBeGreaterThan(0);
    return feed.video_list.flatMap((v) => [v.play_url, v.cover_url]);
  };

  it('puts a Host in media URLs only when it names this machine at its port; otherwise the address the client reached (item 12)', async () => {
    await publish(sys);
    const { port } = new URL(sys.url);
    const cases: [host: string, base: string][] = [
      ['evil.example', `http://127.0.0.1:${port}/douyin/blob/`],
      [`evil.example:${port}`, `http://127.0.0.1:${port}/douyin/blob/`],
      // The machine's own names, at the wrong port, are not trusted either.
      [`127.0.0.1:1`, `http://127.0.0.1:${port}/douyin/blob/`],
      ['localhost', `http://127.0.0.1:${port}/douyin/blob/`],
      // The machine's names at its port are used as sent (a phone on the LAN sends the LAN address).
      [`127.0.0.1:${port}`, `http://127.0.0.1:${port}/douyin/blob/`],
      [`LOCALHOST:${port}`, `http://localhost:${port}/douyin/blob/`],
    ];
    for (const [host, base] of cases) {
      for (const url of await mediaUrls(sys, { Host: host })) expect(url.startsWith(base), `Host: ${host} → ${url}`).toBe(true);
    }
    // Without http.trustProxy a forwarded host is not even read.
    for (const url of await mediaUrls(sys, { Host: 'evil.example', 'X-Forwarded-Host': `localhost:${port}` })) expect(url.startsWith(`http://127.0.0.1:${port}/`)).toBe(true);
  });

  it('with http.publicHosts and trustProxy, only the configured hosts appear in media URLs, forwarded or not (item 12)', async () => {
    const proxied = await startTestSystem('embedded', { 'http.trustProxy': true, 'http.publicHosts': ['api.example.com', 'media.example.com:8443'] });
    try {
      await publish(proxied);
      const { port } = new URL(proxied.url);
      const urlsOf = async (headers: Record<string, string>) => {
        const feed = (await proxied.app.inject({ method: 'GET', url: '/douyin/feed/', headers })).json() as { video_list: { play_url: string; cover_url: string }[] };
        return feed.video_list.flatMap((v) => [v.play_url, v.cover_url]);
      };
      const cases: [headers: Record<string, string>, base: string][] = [
        [{ 'x-forwarded-host': 'api.example.com', 'x-forwarded-proto': 'https' }, 'https://api.example.com/douyin/blob/'],
        [{ host: 'media.example.com:8443' }, 'http://media.example.com:8443/douyin/blob/'],
        [{ 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' }, `http://127.0.0.1:${port}/douyin/blob/`],
        [{ host: 'media.example.com' }, `http://127.0.0.1:${port}/douyin/blob/`],
        // The configured list replaces the built-in one: the machine's own names are no longer used as sent.
        [{ host: `localhost:${port}` }, `http://127.0.0.1:${port}/douyin/blob/`],
      ];
      for (const [headers, base] of cases) {
        const urls = await urlsOf(headers);
        expect(urls.length).toBeGreaterThan(0);
        for (const url of urls) expect(url.startsWith(base), `${JSON.stringify(headers)} → ${url}`).toBe(true);
      }
    } finally {
      await proxied.stop();
    }
  });

  it("answers requests Node's HTTP parser refuses with the envelope under /douyin/, not Fastify's shape (item 16)", async () => {
    const cases: [name: string, request: string | Buffer, code: number, says: string][] = [
      ['raw UTF-8 bytes in the query', Buffer.concat([Buffer.from('GET /douyin/feed/?latest_time='), Buffer.from('é', 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]), 40001, 'the URL: holds a character that must be percent-encoded'],
      ['a URL over 16 KB', `GET /douyin/feed/?latest_time=${'1'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 41301, 'the URL and headers: are larger than the limit of 16 KB'],
      ['a header name with a space', 'GET /douyin/feed/ HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n', 40001, 'a header: has a malformed name or value'],
    ];
    for (const [name, request, code, says] of cases) {
      const res = await rawHttp(request);
      expect(res.status, name).toBe(200);
      expect(res.type, name).toBe('application/json; charset=utf-8');
      expect(JSON.parse(res.body), name).toEqual({ status_code: code, status_msg: expect.stringContaining(says) });
    }
    // The blob route speaks plain HTTP: its refusals are {code, message} with the HTTP status.
    const blob = await rawHttp(Buffer.concat([Buffer.from('GET /douyin/blob/'), Buffer.from('é', 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]));
    expect(blob.status).toBe(400);
    expect(JSON.parse(blob.body)).toMatchObject({ code: 40001 });
  });
  // ── end request edge ──

  // ── uploads (items 3, 4) ──
  const uploads = {
    modules: async () => ({
      http: await import('node:http'),
      fs: await import('node:fs/promises'),
      path: await import('node:path'),
      child: await import('node:child_process'),
      ...(await import('../../gateway/douyin/http/testing/multipart.js')),
      ...(await import('../../packages/kit/media/testing/fake-video.js')),
    }),
    /** Every blob stored or being written (local store: objects/ and tmp/ under dataDir/blobs). */
    async files(sub: 'objects' | 'tmp' | 'both' = 'both'): Promise<string[]> {
      const { fs, path } = await uploads.modules();
      const list = async (dir: string) => (await fs.readdir(path.join(sys.config.dataDir, 'blobs', dir), { recursive: true }).catch(() => [] as string[])).map((f) => `${dir}/${f}`);
      return sub === 'both' ? [...(await list('objects')), ...(await list('tmp'))] : list(sub);
    },
    async signUp(): Promise<{ token: string; user_id: number }> {
      const reply = (await sys.app.inject({ method: 'POST', url: `/douyin/user/register/?username=up${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}&password=secret123` })).json() as { status_code: number; token: string; user_id: number };
      expect(reply.status_code).toBe(0);
      return reply;
    },
    /** POST /douyin/publish/action/ through inject, the parts in the order given. */
    async publish(parts: import('../../gateway/douyin/http/testing/multipart.js').Part[], query = '') {
      const { multipart } = await uploads.modules();
      const mp = multipart(parts);
      return sys.app.inject({ method: 'POST', url: `/douyin/publish/action/${query}`, headers: { 'content-type': mp.contentType }, payload: mp.body });
    },
    /**
     * Starts an upload over a socket and sends all but the end of its body: resolves with the
     * answer when the server gives one before the body is complete, and finish() sends the rest.
     */
    async start(parts: import('../../gateway/douyin/http/testing/multipart.js').Part[], sendBytes: number) {
      const { http, multipart } = await uploads.modules();
      const mp = multipart(parts);
      const url = new URL('/douyin/publish/action/', sys.url);
      const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': mp.contentType, 'content-length': mp.body.length } });
      req.on('error', () => {}); // a refused body is answered, then its connection closed
      let answer: Record<string, unknown> | undefined;
      const answered = new Promise<Record<string, unknown>>((resolve) =>
        req.on('response', async (res) => {
          let text = '';
          for await (const c of res) text += String(c);
          answer = JSON.parse(text) as Record<string, unknown>;
          resolve(answer);
        }),
      );
      req.write(mp.body.subarray(0, sendBytes));
      return { answered, answer: () => answer, finish: () => (req.end(mp.body.subarray(sendBytes)), answered), abort: () => req.destroy() };
    },
    /** Resolves when check() holds, looking again every 5 ms; fails after ms (a check that never holds must not spin on past the test). */
    async until(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
      const end = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > end) throw new Error(`condition not met in ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    hasFfmpeg: async () => {
      const { child } = await uploads.modules();
      try {
        child.execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    },
  };

  it('refuses an uploaded playlist naming a file of the server, a text file, an image and an empty file, storing nothing (item 3)', async () => {
    const { child, fs, path, fakeVideo } = await uploads.modules();
    const { token } = await uploads.signUp();
    // A video elsewhere on the server's disk, which ffmpeg would follow the playlist to.
    const secret = path.join(sys.config.dataDir, 'secret.ts');
    if (await uploads.hasFfmpeg()) child.execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:size=64x64:rate=5:duration=1', '-f', 'mpegts', secret], { stdio: 'ignore', timeout: 30_000 });
    else await fs.writeFile(secret, fakeVideo(4096, 'mpeg-ts'));
    const before = await uploads.files();
    const refused: [string, Buffer, string][] = [
      ['an HLS playlist', Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${secret}\n#EXT-X-ENDLIST\n`), 'data: is not a video'],
      ['an HLS playlist named .m3u8 and typed as one', Buffer.from(`#EXTM3U\n#EXTINF:1,\n${secret}\n`), 'data: is not a video'],
      ['a text file', Buffer.from('hello\n'.repeat(1000)), 'data: is not a video'],
      ['a PNG image', Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(2000, 1)]), 'data: is not a video'],
      ['an empty file', Buffer.alloc(0), 'data: is empty'],
    ];
    for (const [what, data, says] of refused) {
      const res = await uploads.publish([{ name: 'token', value: token }, { name: 'title', value: what }, { name: 'data', filename: what.includes('m3u8') ? 'list.m3u8' : 'clip.mp4', contentType: what.includes('m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp4', data }]);
      expect(res.json(), what).toEqual({ status_code: 40001, status_msg: expect.stringContaining(says) });
    }
    expect(await uploads.files()).toEqual(before);
    const works = (await sys.app.inject({ method: 'GET', url: `/douyin/publish/list/?token=${token}` })).json() as { video_list: unknown[] };
    expect(works.video_list).toEqual([]);
  });

  it('still publishes a real video with a frame of it as the cover (item 3, control)', async () => {
    if (!(await uploads.hasFfmpeg())) return void console.warn('skipped: ffmpeg is not on PATH');
    const { sampleVideo } = await import('../douyin/media.js');
    const clip = sampleVideo();
    const { token } = await uploads.signUp();
    const res = await uploads.publish([{ name: 'token', value: token }, { name: 'title', value: 'real' }, { name: 'data', filename: clip.name, contentType: clip.type, data: Buffer.from(clip.bytes) }]);
    expect(res.json()).toMatchObject({ status_code: 0 });
    const [video] = ((await sys.app.inject({ method: 'GET', url: `/douyin/publish/list/?token=${token}` })).json() as { video_list: { cover_url: string }[] }).video_list;
    const cover = await sys.app.inject({ method: 'GET', url: new URL(video!.cover_url).pathname });
    expect(cover.headers['content-type']).toBe('image/jpeg');
  });

  it('answers an upload without a good token before its file is stored, and closes the connection (item 4)', async () => {
    const { fakeVideo } = await uploads.modules();
    const { token } = await uploads.signUp();
    const { createTokens } = await import('#kit/auth');
    const foreign = createTokens({ secret: 'not-this-servers-secret-'.padEnd(48, 'q') }).sign({ sub: 1 });
    const file = { name: 'data', filename: 'v.mp4', contentType: 'video/mp4', data: fakeVideo(5 * 1024 * 1024) };
    const cases: [string, import('../../gateway/douyin/http/testing/multipart.js').Part[], number][] = [
      ['no token', [{ name: 'title', value: 'x' }, file], 40101],
      ['a garbage token', [{ name: 'token', value: 'garbage' }, file], 40101],
      ['a token of another server', [{ name: 'token', value: foreign }, file], 40101],
      ['a good token, but after the file', [file, { name: 'token', value: token }], 40101],
    ];
    for (const [what, parts, code] of cases) {
      // 1 MB of the 5 MB sent, then nothing: the answer must come now, and no blob may appear meanwhile.
      const upload = await uploads.start(parts, 1024 * 1024);
      await uploads.until(async () => {
        expect(await uploads.files('tmp'), `${what}: nothing is written while the token is unknown`).toEqual([]);
        return upload.answer() !== undefined;
      });
      expect(upload.answer(), what).toMatchObject({ status_code: code });
      upload.abort();
    }
  });

  it("refuses a user's third upload while two are in flight, before reading it (item 4)", async () => {
    const { fakeVideo } = await uploads.modules();
    const { token } = await uploads.signUp();
    const held = [];
    for (const title of ['one', 'two']) {
      held.push(await uploads.start([{ name: 'token', value: token }, { name: 'title', value: title }, { name: 'data', filename: `${title}.mp4`, contentType: 'video/mp4', data: fakeVideo(2 * 1024 * 1024) }], 512 * 1024));
    }
    // Both are being written to the blob store.
    await uploads.until(async () => (await uploads.files('tmp')).filter((f) => !f.endsWith('.json')).length === 2);
    const third = await uploads.publish([{ name: 'token', value: token }, { name: 'title', value: 'three' }, { name: 'data', filename: 'three.mp4', contentType: 'video/mp4', data: fakeVideo(4096) }]);
    expect(third.json()).toMatchObject({ status_code: 42901, status_msg: expect.stringContaining('2 uploads in progress') });
    expect(third.headers.connection).toBe('close');
    for (const upload of held) expect(await upload.finish()).toMatchObject({ status_code: 0 });
    // With both done, the user may upload again.
    const fourth = await uploads.publish([{ name: 'token', value: token }, { name: 'title', value: 'four' }, { name: 'data', filename: 'four.mp4', contentType: 'video/mp4', data: fakeVideo(4096) }]);
    expect(fourth.json()).toMatchObject({ status_code: 0 });
  });
  // ── end uploads ──

  // ── accounts and text (items 5, 6, 9, 10, 14, 15) ──
  // Item 9: text a person writes holds text. Each probe is refused with the field named, in the
  // envelope, through the transport each client uses (query, form, multipart, JSON).
  it('refuses comments, titles and messages of control, bidi override, lone surrogate or only invisible characters (item 9)', async () => {
    const register = async (name: string) => (await sys.app.inject({ method: 'POST', url: `/douyin/user/register/?username=${name}${Date.now().toString(36)}&password=secret123` })).json() as { user_id: number; token: string };
    const [a, b] = [await register('texta'), await register('textb')];
    const form = (url: string, fields: Record<string, string | number>) =>
      sys.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString() });
    const expectRefused = (res: { json(): unknown }, says: string) => expect(res.json()).toEqual({ status_code: 40001, status_msg: says, ...(says.startsWith('comment_text') ? { comment: null } : {}) });

    // A title with U+202E, sent as the client uploads (multipart with the file).
    const upload = new FormData();
    upload.append('token', a.token);
    upload.append('title', 'holiday\u202e4pm.exe');
    upload.append('data', new Blob([Buffer.concat([Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'), Buffer.alloc(64)])], { type: 'video/mp4' }), 'clip.mp4');
    const encoded = new Request('http://surge.test/', { method: 'POST', body: upload });
    const published = await sys.app.inject({ method: 'POST', url: '/douyin/publish/action/', headers: { 'content-type': encoded.headers.get('content-type')! }, payload: Buffer.from(await encoded.arrayBuffer()) });
    expect(published.json()).toEqual({ status_code: 40001, status_msg: 'title: must not contain bidirectional override, embedding or isolate characters (U+202E)' });
    const works = (await sys.app.inject({ method: 'GET', url: `/douyin/publish/list/?token=${a.token}&user_id=${a.user_id}` })).json() as { video_list: unknown[] };
    expect(works.video_list).toEqual([]);

    // Comments and messages: the video is checked after the text, so any id will do for the comment.
    for (const [text, says] of [
      ['\u200b', 'comment_text: must hold at least 1 character besides spaces and invisible characters'],
      ['\u3164\u3164', 'comment_text: must hold at least 1 character besides spaces and invisible characters'],
      ['ok\u0007', 'comment_text: must not contain control characters (U+0007)'],
      ['\u2067first', 'comment_text: must not contain bidirectional override, embedding or isolate characters (U+2067)'],
    ] as const) {
      expectRefused(await form('/douyin/comment/action/', { token: a.token, video_id: 1, action_type: 1, comment_text: text }), says);
    }
    for (const [text, says] of [
      ['\ufeff\u2060', 'content: must hold at least 1 character besides spaces and invisible characters'],
      ['\u001b]0;owned\u0007', 'content: must not contain control characters (U+001B)'],
      ['a\u0085b', 'content: must not contain control characters (U+0085)'],
    ] as const) {
      expectRefused(await form('/douyin/message/action/', { token: a.token, to_user_id: b.user_id, action_type: 1, content: text }), says);
    }
    // A lone surrogate can only arrive as a JSON escape; the UTF-8 encodings of the wire could not carry it.
    const lone = await sys.app.inject({ method: 'POST', url: '/douyin/message/action/', headers: { 'content-type': 'application/json' }, payload: `{"token":"${a.token}","to_user_id":${b.user_id},"action_type":1,"content":"hi \\ud800"}` });
    expectRefused(lone, 'content: must not contain lone surrogates (text that is not well-formed UTF-16)');
    const chat = (await sys.app.inject({ method: 'GET', url: `/douyin/message/chat/?token=${a.token}&to_user_id=${b.user_id}` })).json() as { message_list: unknown[] };
    expect(chat.message_list).toEqual([]);

    // Controls: lines in a message, a bidi mark in mixed text, are text.
    expect((await form('/douyin/message/action/', { token: a.token, to_user_id: b.user_id, action_type: 1, content: 'line one\r\nשלום\u200f!' })).json()).toEqual({ status_code: 0, status_msg: 'ok' });
  });

  // Item 11: every id parameter is decimal digits, one spelling per id ("12.0" stays: clients holding doubles send it).
  it('reads id parameters as decimal digits only: hex, exponents, signs, spaces and leading zeros are refused (item 11)', async () => {
    const reg = (await sys.app.inject({ method: 'POST', url: `/douyin/user/register/?username=ids${Date.now().toString(36)}&password=secret123` })).json() as { user_id: number; token: string };
    const read = async (userId: string) => (await sys.app.inject({ method: 'GET', url: `/douyin/user/?token=${reg.token}&user_id=${encodeURIComponent(userId)}` })).json() as { status_code: number; status_msg: string };
    for (const spelling of [`${reg.user_id}`, `${reg.user_id}.0`]) expect((await read(spelling)).status_code, spelling).toBe(0);
    for (const spelling of [`0x${reg.user_id.toString(16)}`, `${reg.user_id}e0`, `+${reg.user_id}`, ` ${reg.user_id}`, `${reg.user_id} `, `0${reg.user_id}`, `00${reg.user_id}.0`, '0b10', '0o20', '１２']) {
      const reply = await read(spelling);
      expect(reply.status_code, spelling).toBe(40001);
      expect(reply.status_msg, spelling).toMatch(/^user_id: must be a positive integer id/);
    }
  });

  // Items 10, 14, 15 and issue 12's sign-in repair, as the Douyin client signs up and in (query
  // parameters, the envelope); the mobile items (5, 6) have no Douyin route.
  const douyin = (path: string, params: Record<string, string>, remoteAddress = '127.0.0.1') =>
    sys.app.inject({ method: 'POST', url: `/douyin/user/${path}/?${new URLSearchParams(params)}`, remoteAddress });
  const tag = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

  it('keeps one account per username after NFKC and case folding, refuses mixed-script look-alikes, takes e-mail usernames (item 10)', async () => {
    const t = tag();
    const first = (await douyin('register', { username: `Mail.${t}@Example.com`, password: 'secret123' })).json() as { status_code: number; user_id: number };
    expect(first.status_code).toBe(0);
    for (const twin of [`mail.${t}@example.com`, `MAIL.${t}@EXAMPLE.COM`, `Ｍａｉｌ.${t}@Example.com`]) {
      expect((await douyin('register', { username: twin, password: 'secret123' })).json(), twin).toMatchObject({ status_code: 40901, user_id: 0, token: '' });
    }
    expect((await douyin('login', { username: `mail.${t}@example.COM`, password: 'secret123' })).json()).toMatchObject({ status_code: 0, user_id: first.user_id });
    expect((await douyin('register', { username: `\u0441hen${t}`, password: 'secret123' })).json()).toMatchObject({ status_code: 40001, status_msg: expect.stringContaining('username: mixes letters of Cyrillic and Latin') });
  });

  it('slows wrong passwords with capped back-off, answered in the envelope with RateLimited and Retry-After (item 14)', async () => {
    const t = tag();
    expect((await douyin('register', { username: `held${t}`, password: 'secret123' })).json()).toMatchObject({ status_code: 0 });
    for (let i = 1; i <= 5; i++) {
      expect((await douyin('login', { username: `held${t}`, password: `wrong-${i}` }, `10.24.0.${i}`)).json()).toMatchObject({ status_code: 40101 });
    }
    const held = await douyin('login', { username: `held${t}`, password: 'secret123' }, '10.24.0.6');
    expect(held.statusCode).toBe(200);
    expect(held.json()).toEqual({ status_code: 42901, status_msg: expect.stringMatching(/^too many wrong passwords for this account: retry in \d+ s$/), user_id: 0, token: '' });
    expect(Number(held.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('refuses passwords of only spaces or invisible characters at sign-up (item 15)', async () => {
    for (const blank of ['      ', '\u3000'.repeat(6), '\u200b'.repeat(6)]) {
      expect((await douyin('register', { username: `blank${tag()}`, password: blank })).json(), JSON.stringify(blank)).toMatchObject({ status_code: 40001, status_msg: expect.stringMatching(/^password: /) });
    }
  });

  it('answers a wrong password of any length with "wrong username or password" (issue 12)', async () => {
    const t = tag();
    expect((await douyin('register', { username: `len${t}`, password: 'secret123' })).json()).toMatchObject({ status_code: 0 });
    for (const wrong of ['x', '12345', 'p'.repeat(40), 'p'.repeat(1024)]) {
      expect((await douyin('login', { username: `len${t}`, password: wrong }, `10.25.0.${wrong.length % 250}`)).json(), `${wrong.length} characters`).toEqual({ status_code: 40101, status_msg: 'wrong username or password', user_id: 0, token: '' });
    }
  });
  // ── end accounts and text ──
});
