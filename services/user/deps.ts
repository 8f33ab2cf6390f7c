// What the user service's use cases need, passed in by service.ts. Interfaces only: no
// driver, adapter or configuration type reaches logic/.
import type { Clock } from '#kit/clock';
import type { CodeSender } from './code-sender.js';
import type { CodeModel } from './model/codes.js';
import type { UserModel } from './model/users.js';

export interface UserDeps {
  readonly users: UserModel;
  readonly codes: CodeModel;
  readonly ids: { next(): number };
  readonly cipher: { encrypt(plain: string): string; blindIndex(plain: string): string };
  readonly passwords: { hash(password: string): Promise<string>; verify(password: string, stored: string): Promise<boolean> };
  /** At most `codesPerDay` codes per mobile per day. */
  readonly codeQuota: { take(key: string): Promise<{ allowed: boolean; retryAfterMs: number }> };
  readonly codeSender: CodeSender;
  readonly clock: Clock;
  /** A password hash of nothing, made once, for timing-safe failures. */
  readonly decoyHash: () => Promise<string>;
  readonly settings: { readonly codeTtlSeconds: number; readonly codeAttempts: number };
}
