// Image uploads are settled from their headers: a request without a good token, or over the
// user's limits.imageUploadsPerUser, is answered before a byte of its body is read (the server does
// not wait for a 5 MiB body it will refuse), and the limit counts per user.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngImage } from '../packages/kit/media/testing/png.js';
import { startTestSystem, type TestSystem } from './harness.js';

const UPLOADS = '/api/v1/community/uploads';

describe('community image uploads, before the body', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem('embedded', { 'limits.imageUploadsPerUser.quota': 2 });
  });
  afterAll(async () => sys?.stop());

  const signUp = async () => {
    const res = await fetch(`${sys.url}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `up${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, password: 'secret123' }) });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: number; token: string };
  };

  /** Sends the headers of a 5 MiB upload and 4 bytes of it, then waits for the answer without sending the rest. */
  const answerBeforeBody = (token?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(UPLOADS, sys.url);
      const req = request(url, { method: 'POST', headers: { 'content-type': 'image/png', 'content-length': String(5 * 1024 * 1024 - 1), ...(token ? { authorization: `Bearer ${token}` } : {}) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          // The body was never finished: drop the connection, which the server would keep for it.
          req.destroy();
          resolve({ status: res.statusCode!, body });
        });
      });
      req.on('error', reject);
      req.write(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      // Never ended: only an answer given from the headers can arrive.
    });

  const upload = async (token: string) => (await fetch(`${sys.url}${UPLOADS}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: pngImage() })).status;

  it('refuses an upload without a token from its headers, without waiting for its body', async () => {
    const r = await answerBeforeBody();
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ code: 40101 });
  });

  it('takes limits.imageUploadsPerUser per user: the next upload is refused from its headers with 429; another user still uploads', async () => {
    const [a, b] = [await signUp(), await signUp()];
    expect(await upload(a.token)).toBe(201);
    expect(await upload(a.token)).toBe(201);
    const over = await answerBeforeBody(a.token);
    expect(over.status).toBe(429);
    expect(JSON.parse(over.body)).toMatchObject({ code: 42901 });
    expect(await upload(b.token)).toBe(201);
  });
});
