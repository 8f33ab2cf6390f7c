// What the user service's use cases need, passed in by service.ts. Interfaces only: no
// driver, adapter or configuration type reaches logic/.
import type { Clock } from '#kit/clock';
import type { CodeSender } from './code-sender.js';
import type { CodeModel } from './model/codes.js';
import type { RoleModel } from './model/roles.js';
import type { UserModel } from './model/users.js';

/** A back-off on failures per key (#kit/limit's BackoffLimit). */
export interface BackoffLimiter {
  take(key: string): Promise<{ allowed: boolean; retryAfterMs: number; passedAt: number; pass(): Promise<void>; refund(): Promise<void> }>;
  /** A success on key learned without an attempt on it. */
  pass(key: string): Promise<void>;
}

/**
 * What the role use cases need (logic/get-roles.ts, logic/set-role.ts): the service passes its
 * UserDeps; a tool that holds only the database (surge admin, roles-admin.ts) passes these.
 */
export interface RoleDeps {
  readonly roles: RoleModel;
  readonly users: Pick<UserModel, 'findCredentials'>;
  readonly clock: Clock;
}

export interface UserDeps extends RoleDeps {
  readonly users: UserModel;
  readonly codes: CodeModel;
  readonly ids: { next(): number };
  readonly cipher: { encrypt(plain: string): string; blindIndex(plain: string): string };
  /** Password hashing at the configured cost (#kit/auth's PasswordHasher). */
  readonly passwords: {
    hash(password: string): Promise<string>;
    /** rehash: it matched a hash weaker than today's cost. */
    verify(password: string, stored: string): Promise<{ ok: boolean; rehash: boolean }>;
    /** A hash at today's cost that nothing matches, for unknown usernames. */
    decoy(): Promise<string>;
  };
  /** Mobile numbers as E.164, national ones read in the configured region (#kit/auth's AccountKeys). */
  readonly accountKeys: { mobile(raw: string): string | undefined; checkMobile(raw: string): string };
  /** The back-offs on wrong passwords (logic/sign-in-guard.ts). */
  readonly signInBackoff: { readonly perAddress: BackoffLimiter; readonly perAccount: BackoffLimiter; readonly perAccountAtAddress: BackoffLimiter };
  /** At most `codesPerDay` codes per mobile per day. */
  readonly codeQuota: { take(key: string): Promise<{ allowed: boolean; retryAfterMs: number }> };
  readonly codeSender: CodeSender;
  readonly clock: Clock;
  readonly log: { warn(obj: object, msg: string): void };
  readonly settings: { readonly codeTtlSeconds: number; readonly codeAttempts: number };
}
