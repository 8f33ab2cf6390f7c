// A protobuf binary writer for ts-proto's generated encode(message, writer): the same bytes as
// @bufbuild/protobuf's BinaryWriter, for less CPU on the RPC hot path. Profiles of a 30-user
// reply put most of the encode in three places, each avoided here:
// - int64 fields: BinaryWriter turns every number into a BigInt to split it into two words; a
//   safe-integer number is split with arithmetic instead (other values take the BigInt path).
// - buffers: a new writer starts at 128 bytes and doubles, and finish() copies the result; this
//   one is a Node Buffer the caller keeps and reuses, and can reserve room for a frame header
//   so a frame is encoded in place, never copied whole.
// - strings: Buffer#utf8Write (ASCII up to 32 characters by a plain loop, as BinaryWriter does).
// Rare inputs (a uint32 out of range, a string as a number) go through a BinaryWriter, so what
// it accepts, rejects or coerces stays exactly the same.
import { protoInt64 } from '@bufbuild/protobuf';
import { BinaryWriter } from '@bufbuild/protobuf/wire';

const TWO_32 = 2 ** 32;
/** Longest string written by the ASCII loop: its length prefix is then one byte. */
const ASCII_LOOP_MAX = 32;
/** The first buffer; it doubles as needed and the caller keeps it across messages. */
const INITIAL_BYTES = 4096;

type Utf8Write = (this: Buffer, s: string, offset: number, length?: number) => number;
// Buffer#utf8Write skips the argument handling of Buffer#write (measured ~15% of a short string);
// it has backed Buffer#write for as long as Node has had Buffers, with write() as the fallback.
const utf8Write: Utf8Write =
  (Buffer.prototype as unknown as { utf8Write?: Utf8Write }).utf8Write ??
  function (this: Buffer, s: string, offset: number, length?: number) {
    return this.write(s, offset, length ?? this.length - offset, 'utf8');
  };

function varint32Size(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

export class WireWriter {
  /** The bytes written so far are buf[0, pos). The buffer is replaced (bigger) as it fills. */
  buf: Buffer;
  pos = 0;
  private readonly forks: number[] = [];

  constructor(initialBytes = INITIAL_BYTES) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** This writer typed as the BinaryWriter that generated encode() declares; it calls only the methods below. */
  get binary(): BinaryWriter {
    return this as unknown as BinaryWriter;
  }

  /** Room for n more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = Math.max(64, this.buf.length * 2);
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Reserves n bytes (a header written later) and returns where they start. */
  skip(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** Forgets what was written; the buffer is kept for the next message. */
  reset(): void {
    this.truncate(0);
  }

  /** Forgets what was written from `pos` on (a message that failed halfway, a frame taken back). */
  truncate(pos: number): void {
    this.pos = pos;
    this.forks.length = 0;
  }

  /** A copy of the bytes written, then reset (BinaryWriter's contract). */
  finish(): Uint8Array {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.reset();
    return out;
  }

  fork(): this {
    // One byte reserved for the length: right for payloads under 128 bytes; join() widens it.
    this.forks.push(this.skip(1));
    return this;
  }

  join(): this {
    const at = this.forks.pop();
    if (at === undefined) throw new Error('invalid state, fork stack empty');
    const len = this.pos - at - 1;
    if (len < 0x80) {
      this.buf[at] = len;
      return this;
    }
    const size = varint32Size(len);
    this.ensure(size - 1);
    // copyWithin (a TypedArray builtin) moves within one buffer cheaper than Buffer#copy's wrapper.
    this.buf.copyWithin(at + size, at + 1, this.pos);
    const end = this.pos + size - 1;
    this.pos = at;
    this.uint32(len);
    this.pos = end;
    return this;
  }

  tag(fieldNo: number, type: number): this {
    return this.uint32(((fieldNo << 3) | type) >>> 0);
  }

  raw(chunk: Uint8Array): this {
    this.ensure(chunk.length);
    this.buf.set(chunk, this.pos);
    this.pos += chunk.length;
    return this;
  }

  uint32(value: number): this {
    if (!(value >>> 0 === value)) return this.via((w) => w.uint32(value));
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    while (value > 0x7f) {
      b[p++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    b[p++] = value;
    this.pos = p;
    return this;
  }

  int32(value: number): this {
    if (!((value | 0) === value)) return this.via((w) => w.int32(value));
    // A negative int32 is sign-extended to 64 bits: ten bytes.
    return value >= 0 ? this.uint32(value) : this.varint64(value >>> 0, 0xffffffff);
  }

  sint32(value: number): this {
    if (!((value | 0) === value)) return this.via((w) => w.sint32(value));
    return this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  bool(value: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.uint32(value.byteLength);
    return this.raw(value);
  }

  string(value: string): this {
    if (typeof value !== 'string') value = String(value);
    const len = value.length;
    // A UTF-16 unit takes at most 3 UTF-8 bytes; the prefix at most 5.
    this.ensure(len * 3 + 5);
    const b = this.buf;
    const at = this.pos;
    if (len <= ASCII_LOOP_MAX) {
      let i = 0;
      for (; i < len; i++) {
        const c = value.charCodeAt(i);
        if (c > 0x7f) break;
        b[at + 1 + i] = c;
      }
      if (i === len) {
        b[at] = len;
        this.pos = at + 1 + len;
        return this;
      }
    }
    // Guess the prefix from the UTF-16 length (right for ASCII), encode, then move if wrong.
    const guess = varint32Size(len);
    const written = utf8Write.call(b, value, at + guess);
    const size = varint32Size(written);
    if (size !== guess) b.copyWithin(at + size, at + guess, at + guess + written);
    this.uint32(written);
    this.pos = at + size + written;
    return this;
  }

  float(value: number): this {
    return this.via((w) => w.float(value)); // checks the float32 range; no proto here uses floats
  }

  double(value: number): this {
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(value, this.pos);
    return this;
  }

  fixed32(value: number): this {
    if (!(value >>> 0 === value)) return this.via((w) => w.fixed32(value));
    this.ensure(4);
    this.pos = this.buf.writeUInt32LE(value, this.pos);
    return this;
  }

  sfixed32(value: number): this {
    if (!((value | 0) === value)) return this.via((w) => w.sfixed32(value));
    this.ensure(4);
    this.pos = this.buf.writeInt32LE(value, this.pos);
    return this;
  }

  int64(value: bigint | number | string): this {
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      // Two's complement words: floor() gives the signed high word, the rest is the low word.
      const hi = Math.floor(value / TWO_32);
      return this.varint64(value - hi * TWO_32, hi >>> 0);
    }
    const tc = protoInt64.enc(value);
    return this.varint64(tc.lo >>> 0, tc.hi >>> 0);
  }

  uint64(value: bigint | number | string): this {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
      const hi = Math.floor(value / TWO_32);
      return this.varint64(value - hi * TWO_32, hi);
    }
    const tc = protoInt64.uEnc(value);
    return this.varint64(tc.lo >>> 0, tc.hi >>> 0);
  }

  sint64(value: bigint | number | string): this {
    let lo: number;
    let hi: number;
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      hi = Math.floor(value / TWO_32) | 0;
      lo = (value - hi * TWO_32) | 0;
    } else {
      const tc = protoInt64.enc(value);
      lo = tc.lo;
      hi = tc.hi;
    }
    // zigzag: (n << 1) ^ (n >> 63), on the two words
    const sign = hi >> 31;
    return this.varint64((((lo << 1) ^ sign) >>> 0), ((((hi << 1) | (lo >>> 31)) ^ sign) >>> 0));
  }

  fixed64(value: bigint | number | string): this {
    const tc = protoInt64.uEnc(value);
    return this.words64(tc.lo, tc.hi);
  }

  sfixed64(value: bigint | number | string): this {
    const tc = protoInt64.enc(value);
    return this.words64(tc.lo, tc.hi);
  }

  /** A varint of up to 64 bits given as two unsigned 32-bit words. */
  private varint64(lo: number, hi: number): this {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    while (hi > 0 || lo > 0x7f) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    b[p++] = lo;
    this.pos = p;
    return this;
  }

  private words64(lo: number, hi: number): this {
    this.ensure(8);
    this.buf.writeInt32LE(lo | 0, this.pos);
    this.buf.writeInt32LE(hi | 0, this.pos + 4);
    this.pos += 8;
    return this;
  }

  /** The rare case, written by a BinaryWriter so it is checked and coerced exactly as there. */
  private via(write: (w: BinaryWriter) => void): this {
    const w = new BinaryWriter();
    write(w);
    return this.raw(w.finish());
  }
}
