import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Code, SurgeError } from '#kit/errors';
import { createFieldCipher } from './index.js';

const KEY = randomBytes(32);

function codeOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SurgeError);
    return (e as SurgeError).code;
  }
  throw new Error('expected a throw');
}

describe('field cipher', () => {
  it('round trips, with a fresh ciphertext each time', () => {
    const cipher = createFieldCipher({ key: KEY });
    for (const plain of ['+8613800138000', '', '手机号 ☎ +86 138 0013 8000']) {
      const a = cipher.encrypt(plain);
      const b = cipher.encrypt(plain);
      expect(a).not.toBe(b);
      expect(a.startsWith('v1.')).toBe(true);
      expect(cipher.decrypt(a)).toBe(plain);
      expect(cipher.decrypt(b)).toBe(plain);
    }
    // The same key given as base64 decrypts what the bytes encrypted.
    expect(createFieldCipher({ key: KEY.toString('base64') }).decrypt(cipher.encrypt('x'))).toBe('x');
  });

  it('detects tampering: every flipped byte, truncation, another key', () => {
    const cipher = createFieldCipher({ key: KEY });
    const stored = cipher.encrypt('+8613800138000');
    const raw = Buffer.from(stored.slice(3), 'base64url');
    let rejected = 0;
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i]! ^= 0x01;
      if (codeOf(() => cipher.decrypt('v1.' + bad.toString('base64url'))) === Code.Internal) rejected++;
    }
    expect(rejected).toBe(raw.length);
    expect(codeOf(() => cipher.decrypt(stored.slice(0, -4)))).toBe(Code.Internal);
    expect(codeOf(() => cipher.decrypt('v1.'))).toBe(Code.Internal);
    expect(codeOf(() => cipher.decrypt('plain text'))).toBe(Code.Internal);
    expect(codeOf(() => createFieldCipher({ key: randomBytes(32) }).decrypt(stored))).toBe(Code.Internal);
  });

  it('blind index: equal for equal values, different otherwise and under another key', () => {
    const cipher = createFieldCipher({ key: KEY });
    const other = createFieldCipher({ key: randomBytes(32) });
    expect(cipher.blindIndex('+8613800138000')).toBe(cipher.blindIndex('+8613800138000'));
    expect(cipher.blindIndex('+8613800138000')).not.toBe(cipher.blindIndex('+8613800138001'));
    expect(other.blindIndex('+8613800138000')).not.toBe(cipher.blindIndex('+8613800138000'));
    const seen = new Set(Array.from({ length: 1000 }, (_, i) => cipher.blindIndex(`+86138${String(i).padStart(8, '0')}`)));
    expect(seen.size).toBe(1000);
    // The index is not the ciphertext's key material: it does not reveal the plaintext.
    expect(cipher.blindIndex('+8613800138000')).not.toContain('8613800138000');
  });

  it('requires a 32-byte key, naming the option', () => {
    for (const key of [randomBytes(16), 'c2hvcnQ=', undefined as unknown as string]) {
      try {
        createFieldCipher({ key });
        throw new Error('expected a throw');
      } catch (e) {
        expect((e as SurgeError).code).toBe(Code.InvalidArgument);
        expect((e as SurgeError).message).toContain('key');
      }
    }
  });
});
