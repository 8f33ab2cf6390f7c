import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '#kit/testing';
import { EchoReply, EchoRequest } from '#gen/surge/echo/v1/echo';
import { Flags } from '#gen/surge/interaction/v1/interaction';
import { GetUsersReply, GetUsersRequest, UpdateProfileRequest, type User } from '#gen/surge/user/v1/user';
import { decodeMessage, encodeMessage, WireReader, WireWriter } from './index.js';

type Write = (w: BinaryWriter) => unknown;

/** The bytes BinaryWriter and WireWriter produce for the same calls (the WireWriter reused, with junk before). */
function both(write: Write, wire = new WireWriter(16)): [string, string] {
  const ref = new BinaryWriter();
  write(ref);
  wire.reset();
  wire.skip(3); // a frame head before the message must not disturb it
  write(wire.binary);
  return [Buffer.from(ref.finish()).toString('hex'), wire.buf.subarray(3, wire.pos).toString('hex')];
}

function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

const INT64S = [0, 1, -1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 7, 2 ** 53 - 1, -(2 ** 53 - 1), -(2 ** 32), -(2 ** 32) - 1, 1_824_000_012_582_929];
const STRINGS = ['', 'a', 'user_hyjy1d7ggh', 'x'.repeat(32), 'x'.repeat(33), 'x'.repeat(127), 'x'.repeat(128), 'é'.repeat(42), 'é'.repeat(64), '记录生活，分享快乐 ✨', '🌍'.repeat(40), '\uFEFFbom', 'lone \uD800 surrogate', 'y'.repeat(20_000), '中'.repeat(6000)];

describe('WireWriter writes the same bytes as BinaryWriter', () => {
  it('every scalar kind, at its edges', () => {
    const cases: [string, Write][] = [];
    for (const v of [0, 1, 127, 128, 16_383, 16_384, 2 ** 28, 2 ** 32 - 1]) cases.push([`uint32 ${v}`, (w) => w.uint32(v)], [`fixed32 ${v}`, (w) => w.fixed32(v)]);
    for (const v of [0, 1, -1, 127, -128, 2 ** 31 - 1, -(2 ** 31)]) cases.push([`int32 ${v}`, (w) => w.int32(v)], [`sint32 ${v}`, (w) => w.sint32(v)], [`sfixed32 ${v}`, (w) => w.sfixed32(v)]);
    for (const v of INT64S) {
      cases.push([`int64 ${v}`, (w) => w.int64(v)], [`sint64 ${v}`, (w) => w.sint64(v)], [`sfixed64 ${v}`, (w) => w.sfixed64(v)]);
      if (v >= 0) cases.push([`uint64 ${v}`, (w) => w.uint64(v)], [`fixed64 ${v}`, (w) => w.fixed64(v)]);
    }
    // Values only the BigInt path can hold, and numbers as strings: the same coercions as BinaryWriter.
    for (const v of [2n ** 63n - 1n, -(2n ** 63n), '123', '-9007199254740993', 2 ** 60]) cases.push([`int64 ${String(v)}`, (w) => w.int64(v)], [`sint64 ${String(v)}`, (w) => w.sint64(v)]);
    cases.push([`uint64 2^64-1`, (w) => w.uint64(2n ** 64n - 1n)], ['uint32 "7"', (w) => w.uint32('7' as unknown as number)]);
    for (const v of [0, -0, 1.5, -2.25, Number.MAX_VALUE, Number.NaN, Number.POSITIVE_INFINITY]) cases.push([`double ${v}`, (w) => w.double(v)]);
    for (const v of [0, 1.5, -3.25e10]) cases.push([`float ${v}`, (w) => w.float(v)]);
    cases.push(['bool true', (w) => w.bool(true)], ['bool false', (w) => w.bool(false)]);
    for (const s of STRINGS) cases.push([`string of ${s.length}`, (w) => w.string(s)]);
    cases.push(['string from a number', (w) => w.string(42 as unknown as string)]);
    for (const n of [0, 1, 200, 70_000]) cases.push([`bytes ${n}`, (w) => w.bytes(new Uint8Array(n).fill(7))]);
    cases.push(['tag', (w) => w.tag(19, 2)], ['raw', (w) => w.raw(new Uint8Array([1, 2, 3]))]);
    const wire = new WireWriter(16);
    for (const [what, write] of cases) {
      const [ref, got] = both(write, wire);
      expect(got, what).toBe(ref);
    }
  });

  it('nested forks whose lengths need 1, 2 and 3 bytes', () => {
    for (const inner of [5, 127, 128, 16_383, 16_384, 70_000]) {
      const write: Write = (w) => {
        w.uint32(10).fork();
        w.uint32(18).string('head');
        w.uint32(26).fork().raw(new Uint8Array(inner).fill(1)).join();
        w.uint32(32).int64(-5);
        w.join();
        w.uint32(40).bool(true);
      };
      const [ref, got] = both(write);
      expect(got, `inner ${inner}`).toBe(ref);
    }
  });

  it('refuses what BinaryWriter refuses, with the same message', () => {
    const bad: [string, Write][] = [
      ['uint32 -1', (w) => w.uint32(-1)],
      ['uint32 2^32', (w) => w.uint32(2 ** 32)],
      ['uint32 1.5', (w) => w.uint32(1.5)],
      ['int32 2^31', (w) => w.int32(2 ** 31)],
      ['sint32 NaN', (w) => w.sint32(Number.NaN)],
      ['int64 1.5', (w) => w.int64(1.5)],
      ['int64 "abc"', (w) => w.int64('abc')],
      ['int64 undefined', (w) => w.int64(undefined as unknown as number)],
      ['uint64 -1', (w) => w.uint64(-1)],
      ['float 1e39', (w) => w.float(1e39)],
    ];
    for (const [what, write] of bad) {
      const expected = thrown(() => write(new BinaryWriter()));
      expect(expected, what).not.toBe('no error');
      expect(thrown(() => write(new WireWriter().binary)), what).toBe(expected);
    }
  });

  it('generated messages, random and at their edges, byte for byte', () => {
    const random = seededRandom(42);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const user = (): User => ({
      id: pick(INT64S.filter((n) => n >= 0)),
      username: pick(STRINGS.slice(0, 8)),
      name: pick(STRINGS),
      avatar: pick(STRINGS),
      signature: pick(STRINGS),
      createdAt: pick(INT64S),
      backgroundImage: pick(STRINGS),
      followCount: pick(INT64S),
      followerCount: pick(INT64S),
      workCount: pick(INT64S),
      favoriteCount: pick(INT64S),
      totalFavorited: pick(INT64S),
    });
    const wire = new WireWriter(64);
    for (let i = 0; i < 200; i++) {
      const reply = { users: Array.from({ length: Math.floor(random() * 40) }, user) };
      const [ref, got] = both((w) => GetUsersReply.encode(reply, w), wire);
      expect(got).toBe(ref);
      const ids = { ids: Array.from({ length: Math.floor(random() * 200) }, () => pick(INT64S)) };
      expect(both((w) => GetUsersRequest.encode(ids, w), wire)[1]).toBe(both((w) => GetUsersRequest.encode(ids, w))[0]);
    }
    const echo = { message: '你好, world', number: -(2 ** 40), hops: -3 };
    expect(both((w) => EchoRequest.encode(echo, w))[1]).toBe(both((w) => EchoRequest.encode(echo, w))[0]);
    const flags = { values: [true, false, true, true] };
    expect(both((w) => Flags.encode(flags, w))[1]).toBe(both((w) => Flags.encode(flags, w))[0]);
    const partial = { id: 7, name: undefined, avatar: '', signature: 'hi' };
    expect(both((w) => UpdateProfileRequest.encode(partial, w))[1]).toBe(both((w) => UpdateProfileRequest.encode(partial, w))[0]);
  });
});

describe('WireReader reads what BinaryReader reads', () => {
  it('decodes generated messages to equal objects: int64 edges, text, nested and packed fields', () => {
    const random = seededRandom(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    for (let i = 0; i < 200; i++) {
      const users: User[] = Array.from({ length: Math.floor(random() * 35) }, () => ({
        id: pick(INT64S.filter((n) => n >= 0)),
        username: pick(STRINGS),
        name: pick(STRINGS),
        avatar: pick(STRINGS),
        signature: pick(STRINGS),
        createdAt: pick(INT64S),
        backgroundImage: pick(STRINGS),
        followCount: pick(INT64S),
        followerCount: pick(INT64S),
        workCount: pick(INT64S),
        favoriteCount: pick(INT64S),
        totalFavorited: pick(INT64S),
      }));
      const bytes = Buffer.from(GetUsersReply.encode({ users }).finish());
      const ref = GetUsersReply.decode(new BinaryReader(bytes));
      const got = decodeMessage(GetUsersReply, bytes);
      expect(got).toEqual(ref);
      // Lone surrogates turn into U+FFFD on the way, so compare with the reference, not the input.
      expect(got.users.map((u) => u.createdAt)).toEqual(users.map((u) => u.createdAt));
    }
    const packed = { ids: INT64S };
    expect(decodeMessage(GetUsersRequest, GetUsersRequest.encode(packed).finish())).toEqual(packed);
    const flags = { values: [true, false, false, true] };
    expect(decodeMessage(Flags, Flags.encode(flags).finish())).toEqual(flags);
    const reply = { message: '', number: -(2 ** 53 - 1), remainingMs: -1 };
    expect(decodeMessage(EchoReply, EchoReply.encode(reply).finish())).toEqual(reply);
  });

  it('every 64-bit kind back as the number written, from a view inside a larger buffer', () => {
    const w = new BinaryWriter();
    for (const v of INT64S) {
      w.int64(v).sint64(v).sfixed64(v);
      if (v >= 0) w.uint64(v).fixed64(v);
    }
    const inner = w.finish();
    const outer = Buffer.concat([Buffer.from([0xff, 0xff, 0xff]), inner, Buffer.from([0xff])]);
    const r = new WireReader(outer.subarray(3, 3 + inner.length));
    const num = (x: unknown) => Number(String((x as { toString(): unknown }).toString()));
    for (const v of INT64S) {
      expect(num(r.int64()), `int64 ${v}`).toBe(v);
      expect(num(r.sint64()), `sint64 ${v}`).toBe(v);
      expect(num(r.sfixed64()), `sfixed64 ${v}`).toBe(v);
      if (v >= 0) {
        expect(num(r.uint64()), `uint64 ${v}`).toBe(v);
        expect(num(r.fixed64()), `fixed64 ${v}`).toBe(v);
      }
    }
    expect(r.pos).toBe(r.len);
  });

  it('refuses an int64 beyond 2^53 as the generated code always has, and truncated input', () => {
    for (const big of [2n ** 53n, 2n ** 60n, -(2n ** 53n) - 1n]) {
      const bytes = new BinaryWriter().uint32(16).int64(big).finish();
      const expected = thrown(() => EchoRequest.decode(new BinaryReader(bytes)));
      expect(expected).toMatch(/SAFE_INTEGER/);
      expect(thrown(() => decodeMessage(EchoRequest, bytes))).toBe(expected);
    }
    const whole = Buffer.from(EchoRequest.encode({ message: 'hello', number: 2 ** 40, hops: 1 }).finish());
    for (let cut = 1; cut < whole.length; cut++) {
      const part = whole.subarray(0, cut);
      const refFails = thrown(() => EchoRequest.decode(new BinaryReader(part))) !== 'no error';
      const gotFails = thrown(() => decodeMessage(EchoRequest, part)) !== 'no error';
      expect(gotFails, `cut at ${cut}`).toBe(refFails);
    }
  });
});

describe('encodeMessage', () => {
  it('returns a buffer of its own: reusing the writer never changes an earlier result', () => {
    const w = new WireWriter(8);
    const a = encodeMessage(EchoRequest, { message: 'first', number: 1, hops: 0 }, w);
    const b = encodeMessage(EchoRequest, { message: 'second, longer than the first', number: 2, hops: 0 }, w);
    expect(decodeMessage(EchoRequest, a)).toEqual({ message: 'first', number: 1, hops: 0 });
    expect(decodeMessage(EchoRequest, b).message).toBe('second, longer than the first');
  });
});
