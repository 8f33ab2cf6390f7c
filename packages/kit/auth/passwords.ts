// Password hashing with scrypt (RFC 7914) from node:crypto, run on libuv's thread pool (async) so
// hashing never blocks the event loop. Stored as a self-describing string
//   scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>
// so the cost can be raised later: verification reads the parameters from the stored string, and
// a hasher says when a password that matched was stored at a lower cost than its own, so the
// caller can store a new hash (transparent rehash on sign-in).
// Comparisons run in constant time (crypto.timingSafeEqual).
//
// Cost: OWASP Password Storage Cheat Sheet, scrypt minimum N = 2^17, r = 8, p = 1 (Node 20 has no
// argon2id). That is 128 MiB (128·N·r bytes) and ~0.3 s of one core per hash, so libuv's 4 threads
// hold at most 512 MiB for hashing at once, and the gateway's per-address sign-in limits keep the
// rate low.
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { SurgeError, Code, errors } from '#kit/errors';

export interface PasswordHashOptions {
  /**
   * CPU/memory cost, a power of two. Default 2^17: OWASP's minimum for scrypt at r = 8 (128 MiB,
   * ~0.3 s per hash). Lower it only where hashing is not what is being tested (test systems and
   * benchmark seeding set auth.passwordCost), never for real accounts.
   */
  N?: number;
  /** Block size. Default 8 (the scrypt paper's value, and OWASP's). */
  r?: number;
  /** Parallelism. Default 1 (OWASP's; more would multiply the CPU time per sign-in). */
  p?: number;
}

export interface PasswordCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export interface PasswordCheck {
  /** The password matches the stored hash. */
  ok: boolean;
  /** It matched a hash made at a lower cost than the hasher's: store hash(password) in its place. */
  rehash: boolean;
}

export interface PasswordHasher {
  /** The cost new hashes are made at. */
  readonly cost: PasswordCost;
  hash(password: string): Promise<string>;
  /** Checks a password against a stored hash (at whatever cost it was made). */
  verify(password: string, stored: string): Promise<PasswordCheck>;
  /**
   * A hash of a random secret at this hasher's cost, made on first use and kept: verify against it
   * when there is no account, so an unknown name costs as long as a known one and timing does not
   * tell which names exist. No password matches it.
   */
  decoy(): Promise<string>;
}

export const DEFAULT_PASSWORD_COST: PasswordCost = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Stored strings with larger costs are refused: they would let a corrupted row pin the thread pool. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
/** Longest password hashed, UTF-16 units: bounds the work and memory one request can ask for. */
export const MAX_PASSWORD_LENGTH = 1024;

function checkCost(cost: PasswordCost, source: 'options' | 'stored'): PasswordCost {
  const { N, r, p } = cost;
  const ok = Number.isSafeInteger(N) && N >= 2 && N <= MAX_N && (N & (N - 1)) === 0
    && Number.isSafeInteger(r) && r >= 1 && r <= MAX_R && Number.isSafeInteger(p) && p >= 1 && p <= MAX_P;
  if (!ok) {
    const problem = `scrypt parameters N=${N} r=${r} p=${p} are out of range (N a power of two ≤ 2^20, r ≤ ${MAX_R}, p ≤ ${MAX_P})`;
    throw source === 'options' ? errors.invalid('N/r/p', problem) : new SurgeError(Code.Internal, `stored password hash: ${problem}`);
  }
  return cost;
}

const resolveCost = (o: PasswordHashOptions): PasswordCost =>
  Object.freeze(checkCost({ N: o.N ?? DEFAULT_PASSWORD_COST.N, r: o.r ?? DEFAULT_PASSWORD_COST.r, p: o.p ?? DEFAULT_PASSWORD_COST.p }, 'options'));

function derive(password: string, salt: Buffer, keylen: number, { N, r, p }: PasswordCost): Promise<Buffer> {
  // maxmem must exceed 128·N·r (scrypt's working memory) or node refuses; allow double.
  const opts: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(SurgeError.from(err)) : resolve(key)));
  });
}

// NFC: the same password typed on different keyboards (composed vs decomposed accents) must match.
function normalize(password: unknown): string {
  if (typeof password !== 'string' || password === '') throw errors.invalid('password', 'must be a non-empty string');
  if (password.length > MAX_PASSWORD_LENGTH) throw errors.invalid('password', `must be at most ${MAX_PASSWORD_LENGTH} characters`);
  return password.normalize('NFC');
}

interface Stored {
  cost: PasswordCost;
  salt: Buffer;
  hash: Buffer;
}

/** A stored string that is not ours throws Internal: a data bug, not a wrong password. */
function parseStored(stored: string): Stored {
  const parts = typeof stored === 'string' ? stored.split('$') : [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    throw new SurgeError(Code.Internal, 'stored password hash is not in the scrypt$N$r$p$salt$hash format');
  }
  const cost = checkCost({ N: Number(parts[1]), r: Number(parts[2]), p: Number(parts[3]) }, 'stored');
  const salt = Buffer.from(parts[4]!, 'base64url');
  const hash = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || hash.length < 16) throw new SurgeError(Code.Internal, 'stored password hash has a truncated salt or hash');
  return { cost, salt, hash };
}

async function hashAt(password: string, cost: PasswordCost): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(normalize(password), salt, HASH_BYTES, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

async function matches(password: string, s: Stored): Promise<boolean> {
  const actual = await derive(normalize(password), s.salt, s.hash.length, s.cost);
  return timingSafeEqual(actual, s.hash);
}

/** Weaker in any parameter, or a shorter salt or hash than made today. A stronger hash is kept. */
function weaker(s: Stored, cost: PasswordCost): boolean {
  return s.cost.N < cost.N || s.cost.r < cost.r || s.cost.p < cost.p || s.salt.length < SALT_BYTES || s.hash.length < HASH_BYTES;
}

/** A hasher at one cost (checked here, at construction). */
export function createPasswordHasher(options: PasswordHashOptions = {}): PasswordHasher {
  const cost = resolveCost(options);
  let decoy: Promise<string> | undefined;
  return {
    cost,
    hash: (password) => hashAt(password, cost),
    async verify(password, stored) {
      const s = parseStored(stored);
      const ok = await matches(password, s);
      return { ok, rehash: ok && weaker(s, cost) };
    },
    decoy: () => (decoy ??= hashAt(randomBytes(32).toString('base64url'), cost)),
  };
}

export async function hashPassword(password: string, options: PasswordHashOptions = {}): Promise<string> {
  return hashAt(password, resolveCost(options));
}

/** True when password matches the stored hash. A stored string that is not ours throws Internal (a data bug, not a wrong password). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  return matches(password, parseStored(stored));
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
