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
  // ── end request edge ──

  // ── uploads (items 3, 4) ──
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
  // ── end accounts and text ──
});
