import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlobStore, type BlobStore } from '#kit/blob';
import { Code } from '#kit/errors';
import { installErrorHandling } from '../../plugins/errors.js';
import { blobRoutes, douyinPlugin } from './index.js';
import { parseRange } from './range.js';

const SIZE = 1000;
const bytes = Buffer.from(Array.from({ length: SIZE }, (_, i) => i % 251));

let dir = '';
let blob: BlobStore;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'surge-douyin-blob-'));
  blob = createLocalBlobStore({ dir });
  await blob.put('videos/2025/a.mp4', bytes, { contentType: 'video/mp4' });
  await blob.put('covers/empty.jpg', Buffer.alloc(0), { contentType: 'image/jpeg' });
  app = Fastify();
  installErrorHandling(app);
  // Mounted as the gateway does: inside the Douyin scope, under /douyin/blob.
  await app.register(async (scope) => {
    douyinPlugin(scope, { formLimitBytes: 1024 });
    await scope.register(blobRoutes, { prefix: '/blob', blob });
  }, { prefix: '/douyin' });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (key: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') => app.inject({ method, url: `/douyin/blob/${key}`, headers });

describe('blob route', () => {
  it('serves the whole blob with its type, length, ranges and a year of caching', async () => {
    const res = await get('videos/2025/a.mp4');
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'video/mp4',
      'content-length': String(SIZE),
      'accept-ranges': 'bytes',
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
    expect(res.rawPayload.equals(bytes)).toBe(true);
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=990-', 990, 999],
    ['bytes=900-5000', 900, 999],
    ['bytes=-10', 990, 999],
    ['bytes=-5000', 0, 999],
    ['bytes=999-999', 999, 999],
  ])('answers %s with 206 and Content-Range', async (range, start, end) => {
    const res = await get('videos/2025/a.mp4', { range });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${SIZE}`);
    expect(res.headers['content-length']).toBe(String(end - start + 1));
    expect(res.rawPayload.equals(bytes.subarray(start, end + 1))).toBe(true);
  });

  it.each([
    ['videos/2025/a.mp4', 'bytes=1000-'],
    ['videos/2025/a.mp4', 'bytes=5000-6000'],
    ['videos/2025/a.mp4', 'bytes=-0'],
    ['covers/empty.jpg', 'bytes=0-'],
    ['covers/empty.jpg', 'bytes=-5'],
  ])('answers %s %s with 416 and the size', async (key, range) => {
    const res = await get(key, { range });
    expect(res.statusCode).toBe(416);
    const size = key.includes('empty') ? 0 : SIZE;
    expect(res.headers['content-range']).toBe(`bytes */${size}`);
    expect(res.json()).toMatchObject({ code: Code.InvalidArgument });
  });

  it.each(['bytes=0-1,5-6', 'bytes=9-3', 'items=0-1', 'bytes=abc', 'bytes=-'])('ignores the Range %s and serves the whole blob', async (range) => {
    const res = await get('videos/2025/a.mp4', { range });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBe(SIZE);
  });

  it('answers HEAD with the headers and no body, without reading the blob', async () => {
    const res = await get('videos/2025/a.mp4', { range: 'bytes=0-9' }, 'HEAD');
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'video/mp4', 'content-length': String(SIZE), 'accept-ranges': 'bytes' });
    expect(res.body).toBe('');
    expect((await get('videos/none.mp4', {}, 'HEAD')).statusCode).toBe(404);
  });

  it('answers 404 for a missing key, in the gateway error format', async () => {
    for (const range of [undefined, 'bytes=0-1', 'bytes=-1']) {
      const res = await get('videos/none.mp4', range ? { range } : {});
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ code: Code.NotFound, message: 'blob videos/none.mp4 not found' });
    }
  });

  it('answers 400 for keys the blob store never makes', async () => {
    // Over a socket: inject() would normalise "a/../b" away before the route sees it; Node does not.
    const server = Fastify();
    await server.register(blobRoutes, { prefix: '/douyin/blob', blob });
    await server.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = server.server.address() as AddressInfo;
      for (const key of ['a/../videos/2025/a.mp4', '../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', 'videos/./2025/a.mp4', 'a//b', 'a%20b.mp4', 'a/b%00.mp4', 'x'.repeat(600), '']) {
        const { status, body } = await rawGet(port, `/douyin/blob/${key}`);
        expect(status, key).toBe(400);
        expect(JSON.parse(body), key).toMatchObject({ code: Code.InvalidArgument, details: { field: 'key' } });
      }
    } finally {
      await server.close();
    }
  });
});

function rawGet(port: number, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: rawPath }, async (res) => {
      let body = '';
      for await (const c of res) body += String(c);
      resolve({ status: res.statusCode ?? 0, body });
    }).on('error', reject).end();
  });
}

describe('parseRange', () => {
  it('reads one byte range and ignores everything else', () => {
    expect(parseRange(undefined)).toBeUndefined();
    expect(parseRange('bytes=0-0')).toEqual({ start: 0, end: 0 });
    expect(parseRange('BYTES= 5 - ')).toEqual({ start: 5 });
    expect(parseRange('bytes=-7')).toEqual({ suffix: 7 });
    for (const h of ['bytes=', 'bytes=-', 'bytes=3-1', 'bytes=0-1,2-3', 'bits=0-1', 'bytes=1.5-2', `bytes=${'9'.repeat(20)}-`]) expect(parseRange(h), h).toBeUndefined();
  });
});
