import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlobStore, type BlobStore } from '#kit/blob';
import { Code, errors } from '#kit/errors';
import { douyinPlugin, type DouyinUpload, type UploadSink } from './index.js';
import { multipart, type Part } from './testing/multipart.js';

const MB = 1024 * 1024;
const FORM_LIMIT = 4096;

let dir = '';
let blob: BlobStore;
let app: FastifyInstance | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'surge-douyin-upload-'));
  blob = createLocalBlobStore({ dir });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The sink the gateway uses: into the blob store with the byte limit. */
const blobSink = (maxBytes: number): UploadSink => (file) => blob.put(`videos/${randomUUID()}.mp4`, file, { contentType: 'video/mp4', maxBytes });

async function build(upload: Partial<DouyinUpload> & { maxBytes: number }, handler?: () => Promise<object>): Promise<FastifyInstance> {
  const a = Fastify();
  await a.register(async (scope) => {
    douyinPlugin(scope, { formLimitBytes: FORM_LIMIT }).route({
      url: '/publish/action/',
      empty: {},
      upload: { field: 'data', sink: blobSink(upload.maxBytes), ...upload },
      handler: handler ?? (async (p) => ({ key: p.upload!.key, size: p.upload!.size, type: p.upload!.contentType, filename: p.upload!.filename, title: p.text('title', { max: 30 }), token: p.string('token') })),
    });
  }, { prefix: '/douyin' });
  await a.ready();
  app = a;
  return a;
}

const send = (a: FastifyInstance, parts: Part[], url = '/douyin/publish/action/') => {
  const mp = multipart(parts);
  return a.inject({ method: 'POST', url, headers: { 'content-type': mp.contentType }, payload: mp.body });
};

async function readBlob(key: string): Promise<Buffer> {
  const got = await blob.get(key);
  const chunks: Buffer[] = [];
  for await (const c of got.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Every stored object and upload in flight: after a refused upload, none may be new. */
async function storedFiles(): Promise<string[]> {
  const list = async (sub: string) => (await readdir(path.join(dir, sub), { recursive: true }).catch(() => [] as string[])).map((f) => `${sub}/${f}`);
  return [...(await list('objects')), ...(await list('tmp'))];
}

const video = (size: number) => Buffer.alloc(size, 0x5a);

describe('Douyin uploads', () => {
  it('streams the file to the sink, with fields before and after it', async () => {
    const a = await build({ maxBytes: MB });
    const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    const res = await send(a, [
      { name: 'token', value: 'tok' },
      { name: 'data', filename: 'clip.mp4', contentType: 'video/mp4', data },
      { name: 'title', value: '第一条视频' },
    ]);
    const body = res.json();
    expect(body).toMatchObject({ status_code: 0, status_msg: 'ok', size: data.length, type: 'video/mp4', filename: 'clip.mp4', title: '第一条视频', token: 'tok' });
    expect((await readBlob(body.key)).equals(data)).toBe(true);
  });

  it('reads the other parameters from the query as well', async () => {
    const a = await build({ maxBytes: MB });
    const mp = multipart([{ name: 'data', filename: 'a.mp4', data: video(10) }, { name: 'title', value: 'hi' }]);
    const res = await a.inject({ method: 'POST', url: '/douyin/publish/action/?token=from-query', headers: { 'content-type': mp.contentType }, payload: mp.body });
    expect(res.json()).toMatchObject({ status_code: 0, title: 'hi', token: 'from-query', size: 10 });
  });

  it('the sink reads the file while the client is still sending it', async () => {
    let firstBytes: () => void = () => {};
    const started = new Promise<void>((resolve) => (firstBytes = resolve));
    let received = 0;
    const sink: UploadSink = async (file) => {
      for await (const chunk of file) {
        received += (chunk as Buffer).length;
        firstBytes();
      }
      return { key: 'videos/streamed.mp4', size: received };
    };
    const a = await build({ maxBytes: 8 * MB, sink });
    await a.listen({ host: '127.0.0.1', port: 0 });
    const { port } = a.server.address() as AddressInfo;
    const mp = multipart([{ name: 'token', value: 't' }, { name: 'data', filename: 'v.mp4', data: video(2 * MB) }, { name: 'title', value: 'later' }]);
    const [head, data, tail] = mp.pieces as [Buffer, Buffer, Buffer];
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/douyin/publish/action/', headers: { 'content-type': mp.contentType, 'content-length': mp.body.length } });
    const reply = new Promise<IncomingMessage>((resolve, reject) => req.on('response', resolve).on('error', reject));
    req.write(head);
    req.write(data.subarray(0, 256 * 1024));
    // The rest is sent only once the sink has bytes: a reader that buffered the body first would wait for ever.
    await Promise.race([started, new Promise((_, reject) => setTimeout(() => reject(new Error('the sink got nothing before the body ended')), 5000))]);
    expect(received).toBeLessThan(data.length);
    req.write(data.subarray(256 * 1024));
    req.end(tail);
    const res = await reply;
    let text = '';
    for await (const c of res) text += String(c);
    expect(JSON.parse(text)).toMatchObject({ status_code: 0, size: 2 * MB, title: 'later' });
  });

  it('refuses a file over the limit with 41301 naming data and the limit in MB, and stores nothing', async () => {
    const a = await build({ maxBytes: MB });
    const before = await storedFiles();
    const over = multipart([{ name: 'token', value: 't' }, { name: 'data', filename: 'v.mp4', data: video(MB + 1) }]);
    const sends = [
      // Found while streaming (the body's length is within the file limit plus the form limit).
      { headers: { 'content-type': over.contentType }, payload: over.body },
      // Found while streaming a body of unknown length.
      { headers: { 'content-type': over.contentType, 'transfer-encoding': 'chunked' }, payload: Readable.from(over.pieces) },
      // Refused from Content-Length alone.
      { headers: { 'content-type': over.contentType }, payload: multipart([{ name: 'data', filename: 'v.mp4', data: video(2 * MB) }]).body },
    ];
    for (const s of sends) {
      const res = await a.inject({ method: 'POST', url: '/douyin/publish/action/', ...s });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status_code: Code.PayloadTooLarge, status_msg: 'data: is larger than the limit of 1 MB' });
      expect(res.headers.connection).toBe('close');
    }
    expect(await storedFiles()).toEqual(before);
    // Exactly at the limit is fine.
    expect((await send(a, [{ name: 'token', value: 't' }, { name: 'title', value: 't' }, { name: 'data', filename: 'v.mp4', data: video(MB) }])).json()).toMatchObject({ status_code: 0, size: MB });
  });

  it('holds the limit even when the sink sets none, and says so in MB', async () => {
    const sink: UploadSink = (file) => blob.put(`videos/${randomUUID()}.mp4`, file, { contentType: 'video/mp4' });
    const a = await build({ maxBytes: 1.5 * MB, sink });
    const before = await storedFiles();
    const res = await send(a, [{ name: 'data', filename: 'v.mp4', data: video(1.5 * MB + 10) }]);
    expect(res.json()).toEqual({ status_code: Code.PayloadTooLarge, status_msg: 'data: is larger than the limit of 1.5 MB' });
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses a request without the file: 40001 naming data', async () => {
    const a = await build({ maxBytes: MB });
    const message = 'data: is required: attach the file as the multipart/form-data field "data"';
    const noFile = await send(a, [{ name: 'token', value: 't' }, { name: 'title', value: 'x' }]);
    expect(noFile.json()).toEqual({ status_code: Code.InvalidArgument, status_msg: message });
    const asField = await send(a, [{ name: 'data', value: 'not a file' }]);
    expect(asField.json()).toEqual({ status_code: Code.InvalidArgument, status_msg: message });
    const queryOnly = await a.inject({ method: 'POST', url: '/douyin/publish/action/?token=t&title=x' });
    expect(queryOnly.json()).toEqual({ status_code: Code.InvalidArgument, status_msg: message });
    const form = await a.inject({ method: 'POST', url: '/douyin/publish/action/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'title=x' });
    expect(form.json()).toEqual({ status_code: Code.InvalidArgument, status_msg: message });
  });

  it('refuses a second file or a file in another field, and stores nothing', async () => {
    const a = await build({ maxBytes: MB });
    const before = await storedFiles();
    const two = await send(a, [{ name: 'data', filename: 'a.mp4', data: video(100) }, { name: 'data', filename: 'b.mp4', data: video(100) }]);
    expect(two.json()).toEqual({ status_code: Code.InvalidArgument, status_msg: 'data: must be one file; this request sent several' });
    const other = await send(a, [{ name: 'cover', filename: 'c.jpg', data: video(100) }, { name: 'data', filename: 'a.mp4', data: video(100) }]);
    expect(other.json()).toEqual({ status_code: Code.InvalidArgument, status_msg: 'cover: is not a file field here; send the file as "data"' });
    expect(await storedFiles()).toEqual(before);
  });

  it('answers with the sink failure', async () => {
    const sink: UploadSink = async (file) => {
      file.destroy();
      throw errors.unavailable('blob store');
    };
    const a = await build({ maxBytes: MB, sink });
    const res = await send(a, [{ name: 'data', filename: 'a.mp4', data: video(100_000) }, { name: 'title', value: 'x' }]);
    expect(res.json()).toEqual({ status_code: Code.Unavailable, status_msg: 'blob store is unavailable, try again shortly' });
  });

  it('treats a sink that returns before the end of the file as a bug: 50001', async () => {
    const sink: UploadSink = async () => ({ key: 'videos/never-read.mp4', size: 0 });
    const a = await build({ maxBytes: MB, sink });
    const res = await send(a, [{ name: 'data', filename: 'a.mp4', data: video(200_000) }, { name: 'title', value: 'x' }]);
    expect(res.json()).toEqual({ status_code: Code.Internal, status_msg: 'internal error' });
  });

  it('discards the stored file when the handler then fails', async () => {
    const discarded: string[] = [];
    const a = await build({
      maxBytes: MB,
      discard: async (key) => {
        discarded.push(key);
        await blob.delete(key);
      },
    });
    const before = await storedFiles();
    const res = await send(a, [{ name: 'data', filename: 'a.mp4', data: video(1000) }, { name: 'token', value: 't' }]);
    expect(res.json()).toEqual({ status_code: Code.InvalidArgument, status_msg: 'title: is required' });
    expect(discarded).toHaveLength(1);
    expect(await storedFiles()).toEqual(before);
  });

  it('discards the stored file when a part after it is refused', async () => {
    let stored: () => void = () => {};
    const storedFile = new Promise<void>((resolve) => (stored = resolve));
    const inner = blobSink(MB);
    const discarded: string[] = [];
    const a = await build({
      maxBytes: MB,
      sink: (file, info) => inner(file, info).finally(stored),
      discard: async (key) => {
        discarded.push(key);
        await blob.delete(key);
      },
    });
    await a.listen({ host: '127.0.0.1', port: 0 });
    const { port } = a.server.address() as AddressInfo;
    const before = await storedFiles();
    const mp = multipart([{ name: 'data', filename: 'a.mp4', data: video(1000) }, { name: 'title', value: 'x'.repeat(FORM_LIMIT + 1) }]);
    const [head, data, tail] = mp.pieces as [Buffer, Buffer, Buffer];
    const split = tail.indexOf('xxxx');
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/douyin/publish/action/', headers: { 'content-type': mp.contentType, 'content-length': mp.body.length } });
    const reply = new Promise<IncomingMessage>((resolve, reject) => req.on('response', resolve).on('error', reject));
    // The file and the start of the next part, so the file is complete and stored before the bad part.
    req.write(Buffer.concat([head, data, tail.subarray(0, split)]));
    await storedFile;
    expect(await storedFiles()).not.toEqual(before);
    req.end(tail.subarray(split));
    let text = '';
    for await (const c of await reply) text += String(c);
    expect(JSON.parse(text)).toEqual({ status_code: Code.PayloadTooLarge, status_msg: 'title: is larger than the limit of 4096 bytes' });
    expect(discarded).toHaveLength(1);
    expect(await storedFiles()).toEqual(before);
  });

  it('a client that goes away mid-file leaves nothing stored', async () => {
    let settled: () => void = () => {};
    const sinkDone = new Promise<void>((resolve) => (settled = resolve));
    let firstBytes: () => void = () => {};
    const started = new Promise<void>((resolve) => (firstBytes = resolve));
    const inner = blobSink(8 * MB);
    const sink: UploadSink = (file, info) => {
      file.once('data', () => firstBytes());
      return inner(file, info).finally(settled);
    };
    const a = await build({ maxBytes: 8 * MB, sink });
    await a.listen({ host: '127.0.0.1', port: 0 });
    const { port } = a.server.address() as AddressInfo;
    const before = await storedFiles();
    const mp = multipart([{ name: 'data', filename: 'v.mp4', data: video(2 * MB) }]);
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/douyin/publish/action/', headers: { 'content-type': mp.contentType, 'content-length': mp.body.length } });
    req.on('error', () => {}); // the socket is destroyed below on purpose
    req.write(mp.pieces[0]);
    req.write(mp.pieces[1]!.subarray(0, 300_000));
    await started;
    req.destroy();
    await sinkDone.catch(() => {});
    expect(await storedFiles()).toEqual(before);
  });
});
