import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTokens } from '#kit/auth';
import { createLocalBlobStore, type BlobStore } from '#kit/blob';
import { ManualClock } from '#kit/clock';
import { Code, errors } from '#kit/errors';
import { SNIFF_BYTES, sniffVideo } from '#kit/media';
import { fakeVideo } from '../../../packages/kit/media/testing/fake-video.js';
import { createUploadGate, douyinPlugin, type DouyinUpload, type UploadGate, type UploadSink } from './index.js';
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

/** A sink that counts what reaches it before passing it on: a refused upload must cost it no byte. */
function countingSink(inner: UploadSink): { sink: UploadSink; seen: { calls: number; bytes: number } } {
  const seen = { calls: 0, bytes: 0 };
  const sink: UploadSink = (file, info) => {
    seen.calls++;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen.bytes += chunk.length;
        done(null, chunk);
      },
    });
    file.on('error', (err) => counter.destroy(err));
    return inner(file.pipe(counter), info);
  };
  return { sink, seen };
}

const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
const tokens = createTokens({ secret: 'upload-test-secret-'.padEnd(48, 'x'), ttlSeconds: 3600, clock });
const TOKEN = tokens.sign({ sub: 1 });
const tokenOf = (user: number) => tokens.sign({ sub: user });
/** Signed with the right secret an hour and a second before now: expired. */
const EXPIRED = createTokens({ secret: 'upload-test-secret-'.padEnd(48, 'x'), ttlSeconds: 3600, clock: new ManualClock(clock.now() - 3601_000) }).sign({ sub: 1 });
const FOREIGN = createTokens({ secret: 'another-secret-'.padEnd(48, 'y') }).sign({ sub: 1 });

/** The check the publish route uses: a video container by its first bytes. */
const videoCheck = { headBytes: SNIFF_BYTES, check: (head: Buffer) => (sniffVideo(head) === undefined ? 'is not a video' : undefined) };

async function build(upload: Partial<DouyinUpload> & { maxBytes: number }, handler?: () => Promise<object>, gate?: UploadGate): Promise<FastifyInstance> {
  const a = Fastify();
  await a.register(async (scope) => {
    douyinPlugin(scope, { formLimitBytes: FORM_LIMIT, uploads: { tokens, ...(gate ? { gate } : {}) } }).route({
      url: '/publish/action/',
      empty: {},
      upload: { field: 'data', sink: blobSink(upload.maxBytes), check: videoCheck, ...upload },
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

/** Bytes that begin as an MP4 does (the check passes), `size` in all. */
const video = (size: number) => fakeVideo(size);

describe('Douyin uploads', () => {
  it('streams the file to the sink, with fields before and after it', async () => {
    const a = await build({ maxBytes: MB });
    const data = video(300_000);
    const res = await send(a, [
      { name: 'token', value: TOKEN },
      { name: 'data', filename: 'clip.mp4', contentType: 'video/mp4', data },
      { name: 'title', value: '第一条视频' },
    ]);
    const body = res.json();
    expect(body).toMatchObject({ status_code: 0, status_msg: 'ok', size: data.length, type: 'video/mp4', filename: 'clip.mp4', title: '第一条视频', token: TOKEN });
    expect((await readBlob(body.key)).equals(data)).toBe(true);
  });

  it('reads the other parameters from the query as well', async () => {
    const a = await build({ maxBytes: MB });
    const mp = multipart([{ name: 'data', filename: 'a.mp4', data: video(100) }, { name: 'title', value: 'hi' }]);
    const res = await a.inject({ method: 'POST', url: `/douyin/publish/action/?token=${TOKEN}`, headers: { 'content-type': mp.contentType }, payload: mp.body });
    expect(res.json()).toMatchObject({ status_code: 0, title: 'hi', token: TOKEN, size: 100 });
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
    const mp = multipart([{ name: 'token', value: TOKEN }, { name: 'data', filename: 'v.mp4', data: video(2 * MB) }, { name: 'title', value: 'later' }]);
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
    const over = multipart([{ name: 'token', value: TOKEN }, { name: 'data', filename: 'v.mp4', data: video(MB + 1) }]);
    const sends = [
      // Found while streaming (the body's length is within the file limit plus the form limit).
      { headers: { 'content-type': over.contentType }, payload: over.body },
      // Found while streaming a body of unknown length.
      { headers: { 'content-type': over.contentType, 'transfer-encoding': 'chunked' }, payload: Readable.from(over.pieces) },
      // Refused from Content-Length alone.
      { headers: { 'content-type': over.contentType }, payload: multipart([{ name: 'token', value: TOKEN }, { name: 'data', filename: 'v.mp4', data: video(2 * MB) }]).body },
    ];
    for (const s of sends) {
      const res = await a.inject({ method: 'POST', url: '/douyin/publish/action/', ...s });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status_code: Code.PayloadTooLarge, status_msg: 'data: is larger than the limit of 1 MB' });
      expect(res.headers.connection).toBe('close');
    }
    expect(await storedFiles()).toEqual(before);
    // Exactly at the limit is fine.
    expect((await send(a, [{ name: 'token', value: TOKEN }, { name: 'title', value: 't' }, { name: 'data', filename: 'v.mp4', data: video(MB) }])).json()).toMatchObject({ status_code: 0, size: MB });
  });

  it('holds the limit even when the sink sets none, and says so in MB', async () => {
    const sink: UploadSink = (file) => blob.put(`videos/${randomUUID()}.mp4`, file, { contentType: 'video/mp4' });
    const a = await build({ maxBytes: 1.5 * MB, sink });
    const before = await storedFiles();
    const res = await send(a, [{ name: 'token', value: TOKEN }, { name: 'data', filename: 'v.mp4', data: video(1.5 * MB + 10) }]);
    expect(res.json()).toEqual({ status_code: Code.PayloadTooLarge, status_msg: 'data: is larger than the limit of 1.5 MB' });
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses a request without the file: 40001 naming data', async () => {
    const a = await build({ maxBytes: MB });
    const message = 'data: is required: attach the file as the multipart/form-data field "data"';
    const noFile = await send(a, [{ name: 'token', value: TOKEN }, { name: 'title', value: 'x' }]);
    expect(noFile.json()).toEqual({ status_code: Code.InvalidArgument, status_msg: message });
    const asField = await send(a, [{ name: 'data', value: 'not a file' }]);
    expect(asField.json()).toEqual({ status_code: Code.InvalidArgument, status_msg: message });
    const queryOnly = await a.inject({ method: 'POST', url: `/douyin/publish/action/?token=${TOKEN}&title=x` });
    expect(queryOnly.json()).toEqual({ status_code: Code.InvalidArgument, status_msg: message });
    const form = await a.inject({ method: 'POST', url: '/douyin/publish/action/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'title=x' });
    expect(form.json()).toEqual({ status_code: Code.InvalidArgument, status_msg: message });
  });

  it('refuses a second file or a file in another field, and stores nothing', async () => {
    const a = await build({ maxBytes: MB });
    const before = await storedFiles();
    const two = await send(a, [{ name: 'token', value: TOKEN }, { name: 'data', filename: 'a.mp4', data: video(100) }, { name: 'data', filename: 'b.mp4', data: video(100) }]);
    expect(two.json()).toEqual({ status_code: Code.InvalidArgument, status_msg: 'data: must be one file; this request sent several' });
    const other = await send(a, [{ name: 'token', value: TOKEN }, { name: 'cover', filename: 'c.jpg', data: video(100) }, { name: 'data', filename: 'a.mp4', data: video(100) }]);
    expect(other.json()).toEqual({ status_code: Code.InvalidArgument, status_msg: 'cover: is not a file field here; send the file as "data"' });
    expect(await storedFiles()).toEqual(before);
  });

  it('answers with the sink failure', async () => {
    const sink: UploadSink = async (file) => {
      file.destroy();
      throw errors.unavailable('blob store');
    };
    const a = await build({ maxBytes: MB, sink });
    const res = await send(a, [{ name: 'token', value: TOKEN }, { name: 'data', filename: 'a.mp4', data: video(100_000) }, { name: 'title', value: 'x' }]);
    expect(res.json()).toEqual({ status_code: Code.Unavailable, status_msg: 'blob store is unavailable, try again shortly' });
  });

  it('treats a sink that returns before the end of the file as a bug: 50001', async () => {
    const sink: UploadSink = async () => ({ key: 'videos/never-read.mp4', size: 0 });
    const a = await build({ maxBytes: MB, sink });
    const res = await send(a, [{ name: 'token', value: TOKEN }, { name: 'data', filename: 'a.mp4', data: video(200_000) }, { name: 'title', value: 'x' }]);
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
    const res = await send(a, [{ name: 'token', value: TOKEN }, { name: 'data', filename: 'a.mp4', data: video(1000) }]);
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
    const mp = multipart([{ name: 'token', value: TOKEN }, { name: 'data', filename: 'a.mp4', data: video(1000) }, { name: 'title', value: 'x'.repeat(FORM_LIMIT + 1) }]);
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
    const mp = multipart([{ name: 'token', value: TOKEN }, { name: 'data', filename: 'v.mp4', data: video(2 * MB) }]);
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

/** A file at an absolute path of a temp folder for a playlist to name: a real video when ffmpeg is installed. */
async function localVideo(): Promise<string> {
  const file = path.join(dir, 'secret.ts');
  try {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:size=64x64:rate=5:duration=1', '-f', 'mpegts', file], { stdio: 'ignore', timeout: 30_000 });
  } catch {
    await writeFile(file, fakeVideo(4096, 'mpeg-ts'));
  }
  return file;
}

/** The first bytes of a PNG image (signature and IHDR), then pixels of nothing. */
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d4948445200000040000000400806000000', 'hex'), Buffer.alloc(2000, 1)]);

describe('Douyin uploads that are not video (item 3)', () => {
  it('refuses a playlist, a text file, a script, an image and an empty file with 40001 naming data, before the sink gets a byte', async () => {
    const counted = countingSink(blobSink(8 * MB));
    const a = await build({ maxBytes: 8 * MB, sink: counted.sink });
    const before = await storedFiles();
    const playlist = `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${await localVideo()}\n#EXT-X-ENDLIST\n`;
    const refused: [string, Buffer, string][] = [
      ['an HLS playlist naming a local file', Buffer.from(playlist), 'data: is not a video'],
      ['a text file', Buffer.from('just some text\n'.repeat(5000)), 'data: is not a video'],
      ['a shell script', Buffer.from('#!/bin/sh\necho hi\n'), 'data: is not a video'],
      ['a PNG image', PNG, 'data: is not a video'],
      ['an empty file', Buffer.alloc(0), 'data: is empty'],
    ];
    for (const [what, data, message] of refused) {
      const res = await send(a, [{ name: 'token', value: TOKEN }, { name: 'title', value: 't' }, { name: 'data', filename: 'clip.mp4', contentType: 'video/mp4', data }]);
      expect(res.json(), what).toEqual({ status_code: Code.InvalidArgument, status_msg: message });
    }
    expect(counted.seen.bytes).toBe(0);
    expect(await storedFiles()).toEqual(before);
  });

  it('takes each accepted container, whatever the file is called', async () => {
    const a = await build({ maxBytes: MB });
    for (const container of ['iso-bmff', 'matroska', 'avi', 'flv', 'mpeg-ts'] as const) {
      const data = fakeVideo(5000, container);
      const res = await send(a, [{ name: 'token', value: TOKEN }, { name: 'title', value: container }, { name: 'data', filename: 'upload.bin', data }]);
      expect(res.json(), container).toMatchObject({ status_code: 0, size: data.length });
    }
  });

  it('decides on the first bytes while the rest is still on its way', async () => {
    const counted = countingSink(blobSink(8 * MB));
    const a = await build({ maxBytes: 8 * MB, sink: counted.sink });
    await a.listen({ host: '127.0.0.1', port: 0 });
    const { port } = a.server.address() as AddressInfo;
    const before = await storedFiles();
    const mp = multipart([{ name: 'token', value: TOKEN }, { name: 'data', filename: 'v.mp4', data: Buffer.alloc(4 * MB, 0x20) }]);
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/douyin/publish/action/', headers: { 'content-type': mp.contentType, 'content-length': mp.body.length } });
    req.on('error', () => {}); // the server closes the connection after its answer
    const reply = new Promise<IncomingMessage>((resolve, reject) => req.on('response', resolve).on('error', reject));
    // Only the head of the file is sent: the answer comes without the other 4 MB.
    req.write(Buffer.concat([mp.pieces[0]!, mp.pieces[1]!.subarray(0, 2 * SNIFF_BYTES)]));
    const res = await reply;
    let text = '';
    for await (const c of res) text += String(c);
    expect(JSON.parse(text)).toEqual({ status_code: Code.InvalidArgument, status_msg: 'data: is not a video' });
    expect(res.headers.connection).toBe('close');
    req.destroy();
    expect(counted.seen.bytes).toBe(0);
    expect(await storedFiles()).toEqual(before);
  });
});

describe('Douyin uploads without a good token (item 4)', () => {
  const FIVE_MB = video(5 * MB);
  const cases: [string, Part[], string, Code, string][] = [
    ['no token at all', [{ name: 'title', value: 't' }, { name: 'data', filename: 'v.mp4', data: FIVE_MB }], '', Code.Unauthenticated, 'token is missing'],
    ['an empty token field', [{ name: 'token', value: '' }, { name: 'data', filename: 'v.mp4', data: FIVE_MB }], '', Code.Unauthenticated, 'token is missing'],
    ['a garbage token field', [{ name: 'token', value: 'not.a.jwt' }, { name: 'data', filename: 'v.mp4', data: FIVE_MB }], '', Code.Unauthenticated, 'token is invalid'],
    ['a token of another server', [{ name: 'token', value: FOREIGN }, { name: 'data', filename: 'v.mp4', data: FIVE_MB }], '', Code.Unauthenticated, 'token is invalid'],
    ['an expired token field', [{ name: 'token', value: EXPIRED }, { name: 'data', filename: 'v.mp4', data: FIVE_MB }], '', Code.TokenExpired, 'expired'],
    ['a garbage token in the query', [{ name: 'data', filename: 'v.mp4', data: FIVE_MB }], '?token=garbage', Code.Unauthenticated, 'token is invalid'],
    ['an expired token in the query', [{ name: 'data', filename: 'v.mp4', data: FIVE_MB }], `?token=${EXPIRED}`, Code.TokenExpired, 'expired'],
    ['a good token in the query, a bad one in the body', [{ name: 'token', value: 'garbage' }, { name: 'data', filename: 'v.mp4', data: FIVE_MB }], `?token=${TOKEN}`, Code.Unauthenticated, 'token is invalid'],
    ['a good token after the file', [{ name: 'data', filename: 'v.mp4', data: FIVE_MB }, { name: 'token', value: TOKEN }], '', Code.Unauthenticated, 'token is missing'],
  ];
  it.each(cases)('%s: refused, the connection closed, and the sink gets no byte', async (_what, parts, query, code, says) => {
    const counted = countingSink(blobSink(8 * MB));
    const a = await build({ maxBytes: 8 * MB, sink: counted.sink });
    const before = await storedFiles();
    const res = await send(a, parts, `/douyin/publish/action/${query}`);
    expect(res.json()).toMatchObject({ status_code: code });
    expect(res.json().status_msg).toContain(says);
    expect(res.headers.connection).toBe('close');
    expect(counted.seen).toEqual({ calls: 0, bytes: 0 });
    expect(await storedFiles()).toEqual(before);
  });

  it('tells a client that sends the token after the file to send it first', async () => {
    const a = await build({ maxBytes: MB });
    const res = await send(a, [{ name: 'data', filename: 'v.mp4', data: video(100) }, { name: 'token', value: TOKEN }]);
    expect(res.json().status_msg).toMatch(/in the query or as a form field before the file/);
  });

  it('refuses a bad token field at once, before the rest of the body is sent', async () => {
    const a = await build({ maxBytes: 8 * MB });
    await a.listen({ host: '127.0.0.1', port: 0 });
    const { port } = a.server.address() as AddressInfo;
    const mp = multipart([{ name: 'token', value: 'garbage' }, { name: 'data', filename: 'v.mp4', data: video(4 * MB) }]);
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/douyin/publish/action/', headers: { 'content-type': mp.contentType, 'content-length': mp.body.length } });
    req.on('error', () => {});
    const reply = new Promise<IncomingMessage>((resolve, reject) => req.on('response', resolve).on('error', reject));
    // The token part and the next part's boundary only: the file never starts.
    const head = mp.pieces[0]!;
    req.write(head.subarray(0, head.indexOf('Content-Disposition: form-data; name="data"')));
    const res = await reply;
    let text = '';
    for await (const c of res) text += String(c);
    expect(JSON.parse(text)).toMatchObject({ status_code: Code.Unauthenticated, status_msg: 'token is invalid; log in again' });
    expect(res.headers.connection).toBe('close');
    req.destroy();
  });
});

/** An upload sent over a socket and held after the first part of its file until release(). */
interface HeldUpload {
  /** Resolves once the sink has bytes of this upload. */
  storing: Promise<void>;
  release(): Promise<Record<string, unknown>>;
}

describe('Douyin uploads at once (item 4)', () => {
  /** Sinks that report when each upload's bytes arrive, keyed by filename. */
  function signallingSink(): { sink: UploadSink; arrived: (name: string) => Promise<void> } {
    const waiting = new Map<string, () => void>();
    const arrivedOnce = new Map<string, Promise<void>>();
    const arrived = (name: string) => {
      let p = arrivedOnce.get(name);
      if (!p) {
        p = new Promise<void>((resolve) => waiting.set(name, resolve));
        arrivedOnce.set(name, p);
      }
      return p;
    };
    const inner = blobSink(8 * MB);
    const sink: UploadSink = (file, info) => {
      void arrived(info.filename);
      const signal = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          waiting.get(info.filename)!();
          done(null, chunk);
        },
      });
      file.on('error', (err) => signal.destroy(err));
      return inner(file.pipe(signal), info);
    };
    return { sink, arrived };
  }

  async function hold(a: FastifyInstance, arrived: (name: string) => Promise<void>, name: string, token: string): Promise<HeldUpload> {
    const { port } = a.server.address() as AddressInfo;
    const mp = multipart([{ name: 'title', value: name }, { name: 'data', filename: name, data: video(MB) }]);
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: `/douyin/publish/action/?token=${token}`, headers: { 'content-type': mp.contentType, 'content-length': mp.body.length }, agent: false });
    const reply = new Promise<IncomingMessage>((resolve, reject) => req.on('response', resolve).on('error', reject));
    const [head, data, tail] = mp.pieces as [Buffer, Buffer, Buffer];
    req.write(Buffer.concat([head, data.subarray(0, 64 * 1024)]));
    return {
      storing: arrived(name),
      release: async () => {
        req.end(Buffer.concat([data.subarray(64 * 1024), tail]));
        let text = '';
        for await (const c of await reply) text += String(c);
        return JSON.parse(text) as Record<string, unknown>;
      },
    };
  }

  it("refuses a user's third upload while two are in flight, and takes it once one has finished", async () => {
    const { sink, arrived } = signallingSink();
    const gate = createUploadGate({ perUser: 2, inFlight: 16 });
    const counted = countingSink(sink);
    const a = await build({ maxBytes: 8 * MB, sink: counted.sink }, undefined, gate);
    await a.listen({ host: '127.0.0.1', port: 0 });
    const first = await hold(a, arrived, 'one.mp4', TOKEN);
    const second = await hold(a, arrived, 'two.mp4', TOKEN);
    await Promise.all([first.storing, second.storing]);
    const third = await send(a, [{ name: 'token', value: TOKEN }, { name: 'data', filename: 'three.mp4', data: video(MB) }]);
    expect(third.json()).toMatchObject({ status_code: Code.RateLimited });
    expect(third.json().status_msg).toMatch(/2 uploads in progress/);
    // Its file never reached the sink.
    expect(counted.seen.calls).toBe(2);
    // Another user is not held back by this one's.
    const other = await send(a, [{ name: 'token', value: tokenOf(2) }, { name: 'title', value: 'x' }, { name: 'data', filename: 'other.mp4', data: video(1000) }]);
    expect(other.json()).toMatchObject({ status_code: 0 });
    expect(await first.release()).toMatchObject({ status_code: 0 });
    const again = await send(a, [{ name: 'token', value: TOKEN }, { name: 'title', value: 'x' }, { name: 'data', filename: 'again.mp4', data: video(1000) }]);
    expect(again.json()).toMatchObject({ status_code: 0 });
    expect(await second.release()).toMatchObject({ status_code: 0 });
  });

  it('refuses any upload with 50302 while the process holds its limit of uploads, from everyone', async () => {
    const { sink, arrived } = signallingSink();
    const gate = createUploadGate({ perUser: 2, inFlight: 2 });
    const a = await build({ maxBytes: 8 * MB, sink }, undefined, gate);
    await a.listen({ host: '127.0.0.1', port: 0 });
    const held = [await hold(a, arrived, 'u1.mp4', tokenOf(1)), await hold(a, arrived, 'u2.mp4', tokenOf(2))];
    await Promise.all(held.map((h) => h.storing));
    const third = await send(a, [{ name: 'token', value: tokenOf(3) }, { name: 'data', filename: 'u3.mp4', data: video(1000) }]);
    expect(third.json()).toMatchObject({ status_code: Code.Overloaded });
    expect(third.json().status_msg).toMatch(/try again/);
    for (const h of held) expect(await h.release()).toMatchObject({ status_code: 0 });
    expect(gate.stats()).toEqual({ inFlight: 0, unidentified: 0 });
  });

  it('bounds the bodies one address has open before their token is known', async () => {
    const gate = createUploadGate({ perAddress: 1 });
    const a = await build({ maxBytes: 8 * MB }, undefined, gate);
    await a.listen({ host: '127.0.0.1', port: 0 });
    const { port } = a.server.address() as AddressInfo;
    // A body whose token field has not arrived yet.
    const mp = multipart([{ name: 'title', value: 'slow' }, { name: 'token', value: TOKEN }, { name: 'data', filename: 'v.mp4', data: video(1000) }]);
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/douyin/publish/action/', headers: { 'content-type': mp.contentType, 'content-length': mp.body.length }, agent: false });
    const reply = new Promise<IncomingMessage>((resolve, reject) => req.on('response', resolve).on('error', reject));
    req.write(mp.body.subarray(0, 20));
    for (let turns = 0; gate.stats().unidentified === 0; turns++) {
      if (turns > 10_000) throw new Error('the upload gate never counted the tokenless body');
      await new Promise((r) => setImmediate(r));
    }
    const second = await send(a, [{ name: 'token', value: TOKEN }, { name: 'data', filename: 'w.mp4', data: video(1000) }]);
    expect(second.json()).toMatchObject({ status_code: Code.RateLimited });
    expect(second.json().status_msg).toMatch(/this address/);
    // With its token in the query a body is known at once, and another address's count is its own.
    const known = await a.inject({ method: 'POST', url: `/douyin/publish/action/?token=${TOKEN}`, headers: { 'content-type': mp.contentType }, payload: multipart([{ name: 'title', value: 'q' }, { name: 'data', filename: 'q.mp4', data: video(1000) }]).body });
    expect(known.json()).toMatchObject({ status_code: 0 });
    const elsewhere = await a.inject({ method: 'POST', url: '/douyin/publish/action/', remoteAddress: '10.0.0.9', headers: { 'content-type': mp.contentType }, payload: mp.body });
    expect(elsewhere.json()).toMatchObject({ status_code: 0 });
    req.end(mp.body.subarray(20));
    let text = '';
    for await (const c of await reply) text += String(c);
    expect(JSON.parse(text)).toMatchObject({ status_code: 0 });
    expect(gate.stats()).toEqual({ inFlight: 0, unidentified: 0 });
  });
});
