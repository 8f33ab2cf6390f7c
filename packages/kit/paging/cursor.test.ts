// A cursor is read back exactly as it was made, and anything else is refused naming `cursor`:
// another list's cursor, another spelling of the same bytes, a key that is not a plain number.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { cursorCodec } from './index.js';

const codec = cursorCodec({ newest: 1, search: 2, id: 0 });
const refused = expect.objectContaining({ code: Code.InvalidArgument, details: { field: 'cursor' } });
const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('cursorCodec', () => {
  it('reads back what it made, per kind; "" is the first page', () => {
    for (const c of [{ kind: 'newest' as const, keys: [1_733_000_000_000], id: 42 }, { kind: 'search' as const, keys: [0, 17], id: 9_007_199_254_740_991 }, { kind: 'id' as const, keys: [], id: 1 }]) {
      expect(codec.decode(codec.encode(c))).toEqual(c);
    }
    expect(codec.decode('')).toBeUndefined();
  });

  it('refuses a cursor of another kind than the list accepts, and of a kind it does not know', () => {
    const search = codec.encode({ kind: 'search', keys: [3, 4], id: 5 });
    expect(() => codec.decode(search, ['newest'])).toThrow(refused);
    expect(() => codec.decode(raw('other.1.2'))).toThrow(refused);
    expect(() => codec.decode(raw('constructor.1'))).toThrow(refused);
  });

  it.each([
    ['the wrong number of keys', raw('newest.1.2.3')],
    ['a missing id', raw('newest.1')],
    ['id 0', raw('newest.1.0')],
    ['a negative key', raw('newest.-1.2')],
    ['a key with a leading zero', raw('newest.01.2')],
    ['a key in exponent form', raw('newest.1e3.2')],
    ['a key past 2^53', raw('newest.9007199254740993.2')],
    ['not base64url', 'a/b+c='],
    ['too long', 'a'.repeat(201)],
  ])('refuses %s', (_name, cursor) => {
    expect(() => codec.decode(cursor)).toThrow(refused);
  });

  it('refuses another spelling of the same bytes (padding bits set)', () => {
    const good = codec.encode({ kind: 'id', keys: [], id: 7 });
    const last = good.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = good.slice(0, -1) + alphabet[alphabet.indexOf(last) + 1];
    expect(Buffer.from(twin, 'base64url').equals(Buffer.from(good, 'base64url'))).toBe(true);
    expect(() => codec.decode(twin)).toThrow(refused);
  });

  it('refuses kinds it cannot write unambiguously', () => {
    expect(() => cursorCodec({ 'a.b': 1 })).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
    expect(() => cursorCodec({ many: 7 })).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
  });
});
