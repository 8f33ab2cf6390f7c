// A protobuf binary reader for ts-proto's generated decode(reader): a BinaryReader (decode checks
// `instanceof`) over a Node Buffer, with the two costs a 30-user reply profile showed removed:
// - 64-bit fields: with forceLong=number the generated code reads `longToNumber(reader.int64())`,
//   which is Number(value.toString()). BinaryReader returns a BigInt, so each field cost a BigInt,
//   its decimal string and a parse. Here the value is computed as a number and handed over in a
//   box whose toString() returns that number, so Number(...) takes it as is. Beyond 2^53 the
//   number is inexact, but longToNumber refuses anything past MAX_SAFE_INTEGER either way.
// - strings: Buffer#utf8Slice instead of a TextDecoder call (or, for short ASCII, an array of
//   char codes); invalid UTF-8 still becomes U+FFFD.
// Only generated code compiled with forceLong=number may read 64-bit fields through this reader:
// the box is a number in disguise, not a bigint.
import { BinaryReader } from '@bufbuild/protobuf/wire';

const TWO_32 = 2 ** 32;

type Utf8Slice = (this: Buffer, start: number, end: number) => string;
// Buffer#utf8Slice skips the argument handling of Buffer#toString; toString is the fallback.
const utf8Slice: Utf8Slice =
  (Buffer.prototype as unknown as { utf8Slice?: Utf8Slice }).utf8Slice ??
  function (this: Buffer, start: number, end: number) {
    return this.toString('utf8', start, end);
  };

/** What int64() and its kin return: longToNumber() calls toString() and passes the result to Number(). */
class NumberBox {
  value = 0;
  toString(): string {
    return this.value as unknown as string;
  }
}

export class WireReader extends BinaryReader {
  /** The same bytes BinaryReader holds privately. */
  private readonly data: Buffer;
  private readonly box = new NumberBox();
  private lo = 0;
  private hi = 0;
  /** Declared up front: generated decode() keeps its nesting depth here, and a late property would change the object's shape. */
  __tsProtoDecodeDepth = 0;

  constructor(bytes: Buffer) {
    super(bytes);
    this.data = bytes;
  }

  override int64(): bigint {
    this.readVarint64();
    return this.boxed((this.hi | 0) * TWO_32 + this.lo);
  }

  override uint64(): bigint {
    this.readVarint64();
    return this.boxed(this.hi * TWO_32 + this.lo);
  }

  override sint64(): bigint {
    this.readVarint64();
    // zigzag: (n >>> 1) ^ -(n & 1), on the two words
    const s = -(this.lo & 1);
    const lo = (((this.lo >>> 1) | ((this.hi & 1) << 31)) ^ s) >>> 0;
    const hi = ((this.hi >>> 1) ^ s) | 0;
    return this.boxed(hi * TWO_32 + lo);
  }

  override fixed64(): bigint {
    const lo = this.fixed32();
    return this.boxed(this.fixed32() * TWO_32 + lo);
  }

  override sfixed64(): bigint {
    const lo = this.fixed32();
    return this.boxed(this.sfixed32() * TWO_32 + lo);
  }

  override string(strict?: boolean): string {
    if (strict) return super.string(strict);
    const len = this.uint32();
    const start = this.pos;
    const end = start + len;
    if (end > this.len) throw new RangeError('premature EOF');
    this.pos = end;
    return utf8Slice.call(this.data, start, end);
  }

  private boxed(value: number): bigint {
    this.box.value = value;
    return this.box as unknown as bigint;
  }

  /** A varint of up to 64 bits into two unsigned 32-bit words (lo, hi). */
  private readVarint64(): void {
    const b = this.data;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let byte = 0;
    done: {
      for (let shift = 0; shift < 28; shift += 7) {
        byte = b[pos++]!;
        lo |= (byte & 0x7f) << shift;
        if (byte < 0x80) break done;
      }
      byte = b[pos++]!;
      lo |= (byte & 0x0f) << 28;
      hi = (byte & 0x70) >> 4;
      if (byte < 0x80) break done;
      for (let shift = 3; shift <= 31; shift += 7) {
        byte = b[pos++]!;
        hi |= (byte & 0x7f) << shift;
        if (byte < 0x80) break done;
      }
      throw new Error('invalid varint');
    }
    if (pos > this.len) throw new RangeError('premature EOF');
    this.pos = pos;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }
}
