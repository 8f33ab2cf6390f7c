import { describe, it, expect } from 'vitest';
import { Code } from '#kit/errors';
import { createPasswordHasher, hashPassword, verifyPassword, safeEqual } from './index.js';

// A low cost keeps the suite fast; the default (N = 2^17) is checked once below.
const FAST = { N: 2 ** 10 };

describe('passwords', () => {
  it('hashes with a random salt into a self-describing string and verifies', async () => {
    const a = await hashPassword('correct horse', FAST);
    const b = await hashPassword('correct horse', FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse', b)).toBe(true);
    expect(await verifyPassword('correct horse!', a)).toBe(false);
    expect(await verifyPassword('Correct horse', a)).toBe(false);
  });

  it("costs OWASP's minimum for scrypt by default (N = 2^17, r = 8, p = 1)", async () => {
    expect(createPasswordHasher().cost).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const current = await hashPassword('pw');
    expect(current.startsWith('scrypt$131072$8$1$')).toBe(true);
    expect(await verifyPassword('pw', current)).toBe(true);
  });

  it('reads the cost from the stored string, so old hashes verify after the default changes', async () => {
    const old = await hashPassword('pw', { N: 2 ** 11, r: 4, p: 2 });
    expect(old.startsWith('scrypt$2048$4$2$')).toBe(true);
    expect(await verifyPassword('pw', old)).toBe(true);
  });

  it('asks for a rehash exactly when a matching stored hash is weaker than the hasher', async () => {
    const hasher = createPasswordHasher({ N: 2 ** 11 });
    const lowerN = await hashPassword('pw', { N: 2 ** 10 });
    const lowerR = await hashPassword('pw', { N: 2 ** 11, r: 4 });
    expect(await hasher.verify('pw', lowerN)).toEqual({ ok: true, rehash: true });
    expect(await hasher.verify('pw', lowerR)).toEqual({ ok: true, rehash: true });
    // As strong as the hasher, or stronger (a cost lowered later never downgrades a hash): no rehash.
    expect(await hasher.verify('pw', await hashPassword('pw', { N: 2 ** 11 }))).toEqual({ ok: true, rehash: false });
    expect(await hasher.verify('pw', await hashPassword('pw', { N: 2 ** 12 }))).toEqual({ ok: true, rehash: false });
    // A wrong password never asks for a rehash (there is nothing to hash it from).
    expect(await hasher.verify('wrong', lowerN)).toEqual({ ok: false, rehash: false });
    // The new hash is at the hasher's cost and passes without a rehash.
    const fresh = await hasher.hash('pw');
    expect(fresh.startsWith('scrypt$2048$8$1$')).toBe(true);
    expect(await hasher.verify('pw', fresh)).toEqual({ ok: true, rehash: false });
  });

  it('the decoy for unknown accounts costs what a real hash costs, is made once and matches nothing', async () => {
    for (const N of [2 ** 10, 2 ** 12]) {
      const hasher = createPasswordHasher({ N, r: 4 });
      const decoy = await hasher.decoy();
      const real = await hasher.hash('pw');
      expect(decoy.split('$').slice(0, 4)).toEqual(real.split('$').slice(0, 4));
      expect(await hasher.decoy()).toBe(decoy);
      expect((await hasher.verify('pw', decoy)).ok).toBe(false);
      expect((await hasher.verify('', decoy).catch(() => ({ ok: false }))).ok).toBe(false);
    }
  });

  it('matches composed and decomposed forms of the same password', async () => {
    const stored = await hashPassword('caf\u00e9', FAST);
    expect(await verifyPassword('cafe\u0301', stored)).toBe(true);
  });

  it('refuses empty passwords, bad costs and stored strings that are not ours', async () => {
    await expect(hashPassword('', FAST)).rejects.toMatchObject({ code: Code.InvalidArgument, message: expect.stringContaining('password') });
    await expect(hashPassword('pw', { N: 1000 })).rejects.toMatchObject({ code: Code.InvalidArgument });
    expect(() => createPasswordHasher({ N: 3 })).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
    await expect(verifyPassword('pw', 'bcrypt$...')).rejects.toMatchObject({ code: Code.Internal });
    await expect(verifyPassword('pw', 'scrypt$4194304$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g')).rejects.toMatchObject({ code: Code.Internal });
  });

  it('safeEqual compares secrets by content, whatever their lengths', () => {
    expect(safeEqual('123456', '123456')).toBe(true);
    expect(safeEqual('123456', '123457')).toBe(false);
    expect(safeEqual('123456', '1234567')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('', 'a')).toBe(false);
  });
});
