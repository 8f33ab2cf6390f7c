// Field encryption for personal data (mobile numbers, emails) stored in service databases.
//   encrypt: AES-256-GCM, a random 96-bit IV per value (NIST SP 800-38D), 128-bit tag checked on decrypt.
//   blindIndex: HMAC-SHA256 of the plaintext, so equal values can be looked up without decrypting.
// Both keys are derived from one master key with HKDF-SHA256 (RFC 5869) under different labels,
// so the index key never doubles as the encryption key.
// Stored form: "v1." + base64url(iv ‖ ciphertext ‖ tag); the version leaves room for key rotation.
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { SurgeError, Code, errors } from '#kit/errors';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'v1.';

export interface FieldCipherOptions {
  /** Master key: 32 bytes, or a base64/base64url string of 32 bytes (openssl rand -base64 32). Required. */
  key: string | Uint8Array;
}

export interface FieldCipher {
  /** A fresh ciphertext on every call (random IV): equal inputs do not produce equal outputs. */
  encrypt(plain: string): string;
  /** The plaintext; throws Internal when the value was altered or encrypted under another key. */
  decrypt(stored: string): string;
  /**
   * A deterministic keyed hash for equality lookups (a unique index on the column). Normalise the
   * value first (for example a mobile number to E.164) so equal values hash equally.
   */
  blindIndex(plain: string): string;
}

function resolveMasterKey(options: FieldCipherOptions): Buffer {
  const raw = options?.key;
  let key: Buffer;
  if (typeof raw === 'string') key = Buffer.from(raw, 'base64'); // Node's base64 decoder also reads base64url
  else if (raw instanceof Uint8Array) key = Buffer.from(raw);
  else throw errors.invalid('key', 'must be 32 bytes or a base64 string of 32 bytes');
  if (key.length !== KEY_BYTES) {
    throw errors.invalid('key', `must be exactly ${KEY_BYTES} bytes (base64 of 32 random bytes: openssl rand -base64 32), got ${key.length}`);
  }
  return key;
}

function subKey(master: Buffer, label: string): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `surge field-cipher v1 ${label}`, KEY_BYTES)));
}

function tampered(cause?: unknown): SurgeError {
  return new SurgeError(Code.Internal, 'an encrypted field failed its integrity check: it was altered, truncated or encrypted under another key', { cause });
}

export function createFieldCipher(options: FieldCipherOptions): FieldCipher {
  const master = resolveMasterKey(options);
  const encKey = subKey(master, 'encrypt');
  const indexKey = subKey(master, 'blind-index');
  master.fill(0); // only the derived keys are needed from here on

  return {
    encrypt(plain: string): string {
      if (typeof plain !== 'string') throw errors.invalid('plain', 'must be a string');
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },

    decrypt(stored: string): string {
      if (typeof stored !== 'string' || !stored.startsWith(PREFIX)) throw tampered();
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) throw tampered();
      const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch (err) {
        throw tampered(err);
      }
    },

    blindIndex(plain: string): string {
      if (typeof plain !== 'string') throw errors.invalid('plain', 'must be a string');
      return createHmac('sha256', indexKey).update(plain, 'utf8').digest('base64url');
    },
  };
}
