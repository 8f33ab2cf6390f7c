// The behaviour every BlobStore adapter must show. Each adapter's test calls blobStoreSuite with a
// getter for a ready store (created in its own beforeAll).
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { describe, it, expect } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import type { BlobStore } from './index.js';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** Byte i of the generated test body: varies along the body, so a shifted or reordered range shows. */
const byteAt = (i: number) => (i * 31 + Math.floor(i / 65_521)) & 0xff;

function bytesAt(start: number, end: number): Buffer {
  const b = Buffer.allocUnsafe(end - start + 1);
  for (let i = start; i <= end; i++) b[i - start] = byteAt(i);
  return b;
}

/** A generated body of `total` bytes, streamed in 64 KiB chunks; `produced` counts what was read. */
function generated(total: number) {
  const state = { produced: 0 };
  async function* chunks() {
    for (let off = 0; off < total; off += CHUNK) {
      const chunk = bytesAt(off, Math.min(total, off + CHUNK) - 1);
      state.produced += chunk.length;
      yield chunk;
    }
  }
  return { stream: Readable.from(chunks()), state };
}

async function readAll(body: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function sha256(body: Readable): Promise<{ hex: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const c of body) {
    h.update(c as Buffer);
    size += (c as Buffer).length;
  }
  return { hex: h.digest('hex'), size };
}

async function expectCode(p: Promise<unknown>, code: number, text?: string): Promise<SurgeError> {
  const e = await p.then(() => { throw new Error('expected a rejection'); }, (err: unknown) => err);
  expect(e).toBeInstanceOf(SurgeError);
  expect((e as SurgeError).code).toBe(code);
  if (text) expect((e as SurgeError).message).toContain(text);
  return e as SurgeError;
}

export function blobStoreSuite(label: string, store: () => BlobStore, prefix: string): void {
  const k = (name: string) => `${prefix}/${name}`;

  describe(`${label}: blob store behaviour`, () => {
    it('round trips a multi-MB streamed body', async () => {
      const size = 12 * MiB + 12_345; // more than two 5 MiB parts on S3
      const { stream } = generated(size);
      expect(await store().put(k('big.mp4'), stream, { contentType: 'video/mp4' })).toEqual({ key: k('big.mp4'), size });
      const got = await store().get(k('big.mp4'));
      expect(got.size).toBe(size);
      expect(got.contentType).toBe('video/mp4');
      expect(got.range).toBeUndefined();
      const expected = await sha256(generated(size).stream);
      expect(await sha256(got.body)).toEqual(expected);
    });

    it('serves byte ranges, clamping the end and rejecting a start past the end', async () => {
      const size = 6 * MiB + 100;
      await store().put(k('ranged.bin'), generated(size).stream, { contentType: 'application/octet-stream' });
      const cases = [
        { start: 0, end: 9 },
        { start: 5 * MiB - 10, end: 5 * MiB + 10 }, // across an S3 part boundary
        { start: size - 5 },
        { start: size - 3, end: size + 1000 },
      ];
      for (const range of cases) {
        const got = await store().get(k('ranged.bin'), range);
        const end = Math.min(range.end ?? size - 1, size - 1);
        expect(got.size).toBe(size);
        expect(got.range).toEqual({ start: range.start, end });
        expect((await readAll(got.body)).equals(bytesAt(range.start, end))).toBe(true);
      }
      await expectCode(store().get(k('ranged.bin'), { start: size }), Code.InvalidArgument, 'range');
      await expectCode(store().get(k('ranged.bin'), { start: 10, end: 5 }), Code.InvalidArgument, 'range');
    });

    it('stats, replaces and deletes; a missing key is NotFound on get and absent on stat', async () => {
      const key = k('cover.jpg');
      expect(await store().stat(key)).toBeUndefined();
      await store().put(key, new Uint8Array([1, 2, 3]), { contentType: 'image/jpeg' });
      expect(await store().stat(key)).toEqual({ size: 3, contentType: 'image/jpeg' });
      await store().put(key, Buffer.from('hello world'), { contentType: 'text/plain; charset=utf-8' });
      expect(await store().stat(key)).toEqual({ size: 11, contentType: 'text/plain; charset=utf-8' });
      expect((await readAll((await store().get(key)).body)).toString()).toBe('hello world');
      await store().delete(key);
      expect(await store().stat(key)).toBeUndefined();
      await expectCode(store().get(key), Code.NotFound, key);
      await store().delete(key); // deleting again is fine
    });

    it('stores an empty object', async () => {
      await store().put(k('empty'), new Uint8Array(0), { contentType: 'text/plain' });
      expect(await store().stat(k('empty'))).toEqual({ size: 0, contentType: 'text/plain' });
      expect((await readAll((await store().get(k('empty'))).body)).length).toBe(0);
    });

    it('rejects an upload over maxBytes, stops reading it, and leaves nothing behind', async () => {
      const limit = 6 * MiB; // above one S3 part, so a multipart upload is under way when it trips
      const source = generated(64 * MiB);
      const e = await expectCode(store().put(k('huge.mp4'), source.stream, { contentType: 'video/mp4', maxBytes: limit }), Code.PayloadTooLarge, String(limit));
      expect(e.details).toEqual({ limit });
      expect(source.state.produced).toBeLessThan(16 * MiB); // aborted early, not read to the end
      expect(await store().stat(k('huge.mp4'))).toBeUndefined();
      // A body exactly at the limit is fine.
      expect((await store().put(k('exact.bin'), new Uint8Array(1024), { contentType: 'application/octet-stream', maxBytes: 1024 })).size).toBe(1024);
      await expectCode(store().put(k('over.bin'), new Uint8Array(1025), { contentType: 'application/octet-stream', maxBytes: 1024 }), Code.PayloadTooLarge);
      expect(await store().stat(k('over.bin'))).toBeUndefined();
    });

    it('an oversize replacement keeps the old object intact', async () => {
      const key = k('keep.txt');
      await store().put(key, Buffer.from('old'), { contentType: 'text/plain' });
      await expectCode(store().put(key, Buffer.alloc(100), { contentType: 'image/png', maxBytes: 10 }), Code.PayloadTooLarge);
      expect(await store().stat(key)).toEqual({ size: 3, contentType: 'text/plain' });
    });

    it('shows no half-written object while an upload is in flight', async () => {
      const key = k('slow.bin');
      const body = new PassThrough();
      const put = store().put(key, body, { contentType: 'application/octet-stream' });
      body.write(Buffer.alloc(256 * 1024, 7));
      await new Promise((r) => setTimeout(r, 50));
      expect(await store().stat(key)).toBeUndefined();
      await expectCode(store().get(key), Code.NotFound);
      body.end(Buffer.alloc(1024, 8));
      expect((await put).size).toBe(257 * 1024);
      expect((await store().stat(key))?.size).toBe(257 * 1024);
    });

    it('fails the put when the source stream fails, leaving nothing', async () => {
      const key = k('broken.bin');
      const body = new PassThrough();
      const put = store().put(key, body, { contentType: 'application/octet-stream' });
      body.write(Buffer.alloc(1024));
      setTimeout(() => body.destroy(new Error('client disconnected')), 20);
      await expectCode(put, Code.Cancelled, 'upload stream broke');
      expect(await store().stat(key)).toBeUndefined();
    });

    it('rejects bad keys and content types as InvalidArgument naming the field', async () => {
      const bad = ['', '../etc/passwd', '/abs/path', 'a/../b', 'a//b', 'a/./b', 'a\\b', 'a\0b', 'sp ace', 'x/', 'é'];
      for (const key of bad) {
        await expectCode(store().put(key, Buffer.from('x'), { contentType: 'text/plain' }), Code.InvalidArgument, 'key');
        await expectCode(store().get(key), Code.InvalidArgument, 'key');
        await expectCode(store().stat(key), Code.InvalidArgument, 'key');
        await expectCode(store().delete(key), Code.InvalidArgument, 'key');
      }
      await expectCode(store().put(k('ct'), Buffer.from('x'), { contentType: 'text/plain\r\nX-Evil: 1' }), Code.InvalidArgument, 'contentType');
      await expectCode(store().put(k('ct'), Buffer.from('x'), { contentType: 'text/plain', maxBytes: -1 }), Code.InvalidArgument, 'maxBytes');
    });

    it('answers ping', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });
  });
}
