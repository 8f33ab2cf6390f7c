import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { seededRandom } from '#kit/testing';
import { EchoReply, EchoRequest } from '#gen/surge/echo/v1/echo';
import { WireWriter } from '../codec/index.js';
import { BodyReader, decodeRequestHead, encodeOkHead, encodeRequestHead, HEADER_BYTES, ProtocolError, writeOkFrame } from './frame.js';
import { decodeError, encodeError } from './error-frame.js';
import { resolveFramedServerOptions, resolveFramedTransportOptions } from './options.js';
import { FrameSplitter } from './stream.js';

// The worked example of docs/protocol.md, byte for byte.
const REQUEST_HEX = '00000028 01 02 00000001 0000 05 0000018bcfe56832 01 0c 782d726571756573742d6964 02 7231 0a026869 1005';
const REPLY_HEX = '0000000c 01 03 00000001 0a026869 1005';
const ERROR_HEX = '00000028 01 04 00000001 00009dd1 10 757365722037206e6f7420666f756e64 01 02 6964 01 401c000000000000';
const hex = (s: string) => s.replace(/\s+/g, '');

describe('frame layout', () => {
  it('encodes the worked example of docs/protocol.md exactly, and the doc shows the same bytes', () => {
    const payload = EchoRequest.encode({ message: 'hi', number: 5, hops: 0 }).finish();
    const req = Buffer.concat([encodeRequestHead(1, 1, 0, 1_700_000_000_050, { 'x-request-id': 'r1' }, payload.length), payload]);
    expect(req.toString('hex')).toBe(hex(REQUEST_HEX));
    const reply = EchoReply.encode({ message: 'hi', number: 5, remainingMs: 0 }).finish();
    expect(Buffer.concat([encodeOkHead(1, 1, reply.length), reply]).toString('hex')).toBe(hex(REPLY_HEX));
    // The server's path: the reply encoded in place after its head, behind other frames of the turn.
    const turn = new WireWriter(8);
    turn.raw(Buffer.from('earlier frame'));
    const length = writeOkFrame(turn, 1, 1, (w) => void EchoReply.encode({ message: 'hi', number: 5, remainingMs: 0 }, w.binary));
    expect(length).toBe(12);
    expect(turn.buf.subarray(13, turn.pos).toString('hex')).toBe(hex(REPLY_HEX));
    expect(encodeError(1, 1, new SurgeError(Code.NotFound, 'user 7 not found', { details: { id: 7 } })).toString('hex')).toBe(hex(ERROR_HEX));
    const doc = hex(readFileSync(new URL('../../../../docs/protocol.md', import.meta.url), 'utf8'));
    for (const h of [REQUEST_HEX, REPLY_HEX, ERROR_HEX]) expect(doc).toContain(hex(h));
  });

  it('carries deadline, trace context (as 25 bytes) and UTF-8 metadata, and skips empty sections', () => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const md = { traceparent: tp, 'x-request-id': 'req-9', 用户: '张三' };
    const head = encodeRequestHead(1, 7, 3, 2 ** 41 + 3, md, 0);
    const back = decodeRequestHead(new BodyReader(head, HEADER_BYTES, head.length));
    expect(back).toEqual({ method: 3, deadline: 2 ** 41 + 3, metadata: md });
    // traceparent as text would take 66 bytes; as bytes it takes 25.
    expect(head.length).toBe(HEADER_BYTES + 3 + 8 + 25 + 1 + (1 + 12 + 1 + 5) + (1 + 6 + 1 + 6));
    const bare = encodeRequestHead(1, 7, 3, undefined, {}, 0);
    expect(bare.length).toBe(HEADER_BYTES + 3);
    expect(decodeRequestHead(new BodyReader(bare, HEADER_BYTES, bare.length))).toEqual({ method: 3, deadline: undefined, metadata: undefined });
    // A malformed traceparent travels as ordinary metadata, unchanged.
    const odd = encodeRequestHead(1, 7, 3, undefined, { traceparent: 'not-a-trace' }, 0);
    expect(decodeRequestHead(new BodyReader(odd, HEADER_BYTES, odd.length)).metadata).toEqual({ traceparent: 'not-a-trace' });
  });

  it('keeps error code, message and typed details; an unknown code arrives as Internal', () => {
    const e = new SurgeError(Code.RateLimited, 'too many — 太多', { details: { retryAfter: 1.5, scope: 'user', hard: true } });
    const buf = encodeError(1, 9, e);
    const back = decodeError(new BodyReader(buf, HEADER_BYTES, buf.length));
    expect(back.toJSON()).toEqual(e.toJSON());
    const unknown = encodeError(1, 9, e);
    unknown.writeUInt32BE(77777, HEADER_BYTES);
    expect(decodeError(new BodyReader(unknown, HEADER_BYTES, unknown.length)).code).toBe(Code.Internal);
  });

  it('splits a stream into whole frames however it is chunked, and refuses an oversized length at once', () => {
    const frames = [1, 2, 3].map((id) => encodeError(1, id, new SurgeError(Code.NotFound, 'x'.repeat(id * 50))));
    const stream = Buffer.concat(frames);
    for (const size of [1, 3, 7, 64, stream.length]) {
      const got: string[] = [];
      const s = new FrameSplitter(1024, (b, start, end) => got.push(b.subarray(start, end).toString('hex')));
      for (let at = 0; at < stream.length; at += size) s.push(stream.subarray(at, at + size));
      expect(got).toEqual(frames.map((f) => f.toString('hex')));
    }
    // Random cuts, a frame's head itself split as often as not.
    const random = seededRandom(3);
    for (let round = 0; round < 200; round++) {
      const got: string[] = [];
      const s = new FrameSplitter(1024, (b, start, end) => got.push(b.subarray(start, end).toString('hex')));
      for (let at = 0; at < stream.length; ) {
        const size = 1 + Math.floor(random() * (random() < 0.5 ? 6 : 200));
        s.push(stream.subarray(at, at + size));
        at += size;
      }
      expect(got).toEqual(frames.map((f) => f.toString('hex')));
    }
    const s = new FrameSplitter(1024, () => undefined);
    expect(() => s.push(Buffer.from([0, 0, 4, 1]))).toThrow(ProtocolError);
    const split = new FrameSplitter(1024, () => undefined);
    split.push(Buffer.from([0, 0]));
    expect(() => split.push(Buffer.from([4, 1]))).toThrow(/exceeds the limit of 1024/);
  });

  it('checks options at construction, naming the option', () => {
    const bad = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof SurgeError && e.code === Code.InvalidArgument ? e.message : 'wrong error';
      }
      return 'no error';
    };
    expect(bad(() => resolveFramedTransportOptions({ port: 0 }))).toMatch(/^port/);
    expect(bad(() => resolveFramedTransportOptions({ port: 1, connections: 0 }))).toMatch(/^connections/);
    expect(bad(() => resolveFramedTransportOptions({ port: 1, maxFrameBytes: 10 }))).toMatch(/^maxFrameBytes/);
    expect(bad(() => resolveFramedTransportOptions({ port: 1, reconnectBaseMs: 500, reconnectMaxMs: 100 }))).toMatch(/^reconnectMaxMs/);
    expect(bad(() => resolveFramedServerOptions({ drainMs: -1 }))).toMatch(/^drainMs/);
    expect(resolveFramedTransportOptions({ port: 1 })).toMatchObject({ host: '127.0.0.1', connections: 2, maxFrameBytes: 16 * 1024 * 1024 });
  });
});
