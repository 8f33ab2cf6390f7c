// A user service over a test database, for the service's own tests: real kit pieces (field
// cipher, scrypt at a low cost, back-offs over a memory limit store) on a manual clock, the codes
// it sends kept by mobile, and each RPC called with the client address a gateway would pass.
import pino from 'pino';
import { createAccountKeys, createFieldCipher, createPasswordHasher, type FieldCipher, type PasswordHasher } from '#kit/auth';
import { createCache } from '#kit/cache';
import { ManualClock, systemClock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import { createBackoffLimit, createMemoryLimitStore, createPeriodLimit } from '#kit/limit';
import { createCallContext, type CallContext } from '#kit/rpc';
import type { AuthReply, LoginRequest } from '#gen/surge/user/v1/user';
import type { ServiceDatabase } from '#kit/store';
import type { TestDatabaseKind } from '#kit/testing';
import { CLIENT_ADDRESS_METADATA, defineUserService, type UserService } from '../service.js';
import { userMigrations } from '../model/migrations.js';
import type { UserDB } from '../model/tables.js';

export interface UserFixture {
  service: UserService;
  db: ServiceDatabase<UserDB>;
  cipher: FieldCipher;
  clock: ManualClock;
  /** The last code sent to each mobile (the E.164 form the service sends to). */
  sent: Map<string, string>;
  /** The same database with another service (another hasher, say), as after a restart with new settings. */
  restart(o?: FixtureOptions): UserFixture;
  /** Calls with the client address the gateway would name; undefined = a caller that names none. */
  as(address: string | undefined): { ctx: CallContext; login(req: LoginRequest): Promise<AuthReply> };
}

export interface FixtureOptions {
  /** Default scrypt at 2^10. */
  passwords?: PasswordHasher;
  /** Default 10. */
  codesPerDay?: number;
}

export const FIELD_KEY = Buffer.alloc(32, 7);

export async function openUserFixture(kind: TestDatabaseKind, o: FixtureOptions = {}, db?: ServiceDatabase<UserDB>): Promise<UserFixture> {
  return build(db ?? (await kind.open<UserDB>('user', userMigrations)), o, new ManualClock(Date.now()));
}

function build(db: ServiceDatabase<UserDB>, o: FixtureOptions, clock: ManualClock): UserFixture {
  const cipher = createFieldCipher({ key: FIELD_KEY });
  const store = createMemoryLimitStore({ clock });
  const backoff = (freeFailures: number, prefix: string, rememberPassMs = 0) => createBackoffLimit({ freeFailures, store, clock, keyPrefix: prefix, rememberPassMs });
  const sent = new Map<string, string>();
  const service = defineUserService({
    db,
    cache: createCache({ name: 'user', local: { maxEntries: 1000, ttlMs: 60_000 }, clock: systemClock }),
    clock,
    ids: createIdGenerator({ workerId: 1, clock: systemClock }),
    cipher,
    passwords: o.passwords ?? createPasswordHasher({ N: 2 ** 10 }),
    accountKeys: createAccountKeys({ defaultRegion: 'CN' }),
    signInBackoff: { perAddress: backoff(20, 'a:'), perAccount: backoff(5, 'u:'), perAccountAtAddress: backoff(5, 'k:', 30 * 86_400_000) },
    codeQuota: createPeriodLimit({ periodMs: 86_400_000, quota: o.codesPerDay ?? 10, store, clock }),
    codeSender: { send: async (mobile, code) => void sent.set(mobile, code) },
    log: pino({ level: 'silent' }),
    settings: { codeTtlSeconds: 1800, codeAttempts: 5 },
  });
  const fixture: UserFixture = {
    service,
    db,
    cipher,
    clock,
    sent,
    restart: (next = {}) => build(db, next, clock),
    as(address) {
      const ctx = createCallContext({ clock: systemClock, timeoutMs: 30_000, metadata: address === undefined ? {} : { [CLIENT_ADDRESS_METADATA]: address } });
      return { ctx, login: (req) => service.login(req, ctx) };
    },
  };
  return fixture;
}
