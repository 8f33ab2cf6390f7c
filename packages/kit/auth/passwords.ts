// Password hashing with scrypt (RFC 7914) from node:crypto, run on libuv's thread pool (async) so
// hashing never blocks the event loop. Stored as a self-describing string
//   scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>
// so the cost can be raised later: verification reads the parameters from the stored string.
// Comparisons run in constant time (crypto.timingSafeEqual).
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { SurgeError, Code, errors } from '#kit/errors';

export interface PasswordHashOptions {
  /** CPU/memory cost, a power of two. Default 2^15: ~32 MiB and tens of ms per hash, OWASP-class cost that 2 cores can still serve at login rates. */
  N?: number;
  /** Block size. Default 8 (the scrypt paper's value). */
  r?: number;
  /** Parallelism. Default 1. */
  p?: number;
}

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Stored strings with larger costs are refused: they would let a corrupted row pin the thread pool. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

interface Params {
  N: number;
  r: number;
  p: number;
}

function checkParams(params: Params, source: 'options' | 'stored'): Params {
  const { N, r, p } = params;
  const ok = Number.isSafeInteger(N) && N >= 2 && N <= MAX_N && (N & (N - 1)) === 0
    && Number.isSafeInteger(r) && r >= 1 && r <= MAX_R && Number.isSafeInteger(p) && p >= 1 && p <= MAX_P;
  if (!ok) {
    const problem = `scrypt parameters N=${N} r=${r} p=${p} are out of range (N a power of two ≤ 2^20, r ≤ ${MAX_R}, p ≤ ${MAX_P})`;
    throw source === 'options' ? errors.invalid('N/r/p', problem) : new SurgeError(Code.Internal, `stored password hash: ${problem}`);
  }
  return params;
}

function derive(password: string, salt: Buffer, keylen: number, { N, r, p }: Params): Promise<Buffer> {
  // maxmem must exceed 128·N·r (scrypt's working memory) or node refuses; allow double.
  const opts: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(SurgeError.from(err)) : resolve(key)));
  });
}

// NFC: the same password typed on different keyboards (composed vs decomposed accents) must match.
function normalize(password: unknown): string {
  if (typeof password !== 'string' || password === '') throw errors.invalid('password', 'must be a non-empty string');
  if (password.length > 1024) throw errors.invalid('password', 'must be at most 1024 characters');
  return password.normalize('NFC');
}

export async function hashPassword(password: string, options: PasswordHashOptions = {}): Promise<string> {
  const params = checkParams({ N: options.N ?? 2 ** 15, r: options.r ?? 8, p: options.p ?? 1 }, 'options');
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(normalize(password), salt, HASH_BYTES, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** True when password matches the stored hash. A stored string that is not ours throws Internal (a data bug, not a wrong password). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = typeof stored === 'string' ? stored.split('$') : [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    throw new SurgeError(Code.Internal, 'stored password hash is not in the scrypt$N$r$p$salt$hash format');
  }
  const params = checkParams({ N: Number(parts[1]), r: Number(parts[2]), p: Number(parts[3]) }, 'stored');
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || expected.length < 16) throw new SurgeError(Code.Internal, 'stored password hash has a truncated salt or hash');
  const actual = await derive(normalize(password), salt, expected.length, params);
  return timingSafeEqual(actual, expected);
}

/**
 * Constant-time equality of two secrets (verification codes, API keys). Both sides are hashed
 * first, so neither the content nor the length of the expected value leaks through timing.
 */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
