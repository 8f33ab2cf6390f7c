// Security probes of the /api/v1 face (docs/security.md, "Probes"): each block holds the cases of
// one finding of the hardening review, and fails if the hole it names opens again. New routes on
// this face add their probes here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../harness.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem('embedded', { 'limits.loginPerIp.quota': 1000 });
});
afterAll(async () => sys?.stop());

describe('the /api/v1 face', () => {
  it('is up', async () => {
    const res = await sys.app.inject({ method: 'GET', url: '/livez' });
    expect(res.statusCode).toBe(200);
  });

  // ── secrets and ops (items 1, 13) ──
  // ── end secrets and ops ──

  // ── request edge (items 2, 7, 8, 12, 16) ──
  // ── end request edge ──

  // ── accounts and text (items 5, 6, 9, 10, 11, 14, 15) ──
  // Item 9: text a person writes holds text: no control characters, bidi overrides, lone
  // surrogates, or invisible characters alone. Refused with the field named; nothing stored.
  it('refuses profile text with control, bidi override, lone surrogate or only invisible characters, naming the field (item 9)', async () => {
    const reg = await sys.app.inject({ method: 'POST', url: '/api/v1/users/register', payload: { username: `text${Date.now().toString(36)}`, password: 'secret123' } });
    const { token } = reg.json() as { token: string };
    const patch = (raw: string) => sys.app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: raw });
    const refused: [raw: string, says: string][] = [
      [JSON.stringify({ name: 'bob\u0007' }), 'name: must not contain control characters (U+0007)'],
      [JSON.stringify({ name: 'bob\u001b[2J' }), 'name: must not contain control characters (U+001B)'],
      [JSON.stringify({ name: 'bob\u202enimda' }), 'name: must not contain bidirectional override, embedding or isolate characters (U+202E)'],
      [JSON.stringify({ name: '\u3164' }), 'name: must hold at least 1 character besides spaces and invisible characters'],
      [JSON.stringify({ name: '\u200b\u200d' }), 'name: must hold at least 1 character besides spaces and invisible characters'],
      ['{"name":"bob\\ud800"}', 'name: must not contain lone surrogates (text that is not well-formed UTF-16)'],
      [JSON.stringify({ signature: 'hi\u2066there' }), 'signature: must not contain bidirectional override, embedding or isolate characters (U+2066)'],
      [JSON.stringify({ signature: '\u2060\u200b' }), 'signature: must hold at least 1 character besides spaces and invisible characters'],
    ];
    for (const [raw, says] of refused) {
      const res = await patch(raw);
      expect(res.statusCode, raw).toBe(400);
      expect(res.json(), raw).toMatchObject({ code: 40001, message: says });
    }
    // Controls: what people write is accepted, counted as they count it (a 20-emoji name is 40 UTF-16 units).
    const ok = await patch(JSON.stringify({ name: '🚀'.repeat(20), signature: 'line one\nline two\u200f!' }));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ name: '🚀'.repeat(20), signature: 'line one\nline two\u200f!' });
  });

  // Item 11: an id in a path or query is decimal digits only, one spelling per id.
  it('reads /api/v1/users/:id and ?ids= as decimal digits only: hex, exponents, signs, spaces and leading zeros are 400 (item 11)', async () => {
    const reg = await sys.app.inject({ method: 'POST', url: '/api/v1/users/register', payload: { username: `ids${Date.now().toString(36)}`, password: 'secret123' } });
    const { id } = reg.json() as { id: number };
    expect((await sys.app.inject({ method: 'GET', url: `/api/v1/users/${id}` })).statusCode).toBe(200);
    for (const spelling of ['0x10', `0x${id.toString(16)}`, `${id}e0`, `+${id}`, `%20${id}`, `0${id}`, `${id}.0`, '1e1', '0b10', '0o20']) {
      const res = await sys.app.inject({ method: 'GET', url: `/api/v1/users/${spelling}` });
      expect(res.statusCode, spelling).toBe(400);
      expect(res.json(), spelling).toMatchObject({ code: 40001, message: expect.stringMatching(/^id: /) });
    }
    expect((await sys.app.inject({ method: 'GET', url: `/api/v1/users?ids=${id}` })).statusCode).toBe(200);
    for (const ids of [`0x${id.toString(16)}`, `0${id}`, `${id},0${id}`, `${id}e0`]) {
      const res = await sys.app.inject({ method: 'GET', url: `/api/v1/users?ids=${ids}` });
      expect(res.statusCode, ids).toBe(400);
      expect(res.json(), ids).toMatchObject({ code: 40001, message: expect.stringMatching(/^ids: /) });
    }
  });
  // ── end accounts and text ──
});
