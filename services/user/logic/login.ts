import { Code, SurgeError } from '#kit/errors';
import { usernameKey } from '#kit/auth';
import type { AuthReply, LoginRequest } from '#gen/surge/user/v1/user';
import type { UserDeps } from '../deps.js';
import { checkLoginPassword, checkUsername } from '../rules.js';
import { guardSignIn } from './sign-in-guard.js';

const wrong = () => new SurgeError(Code.Unauthenticated, 'wrong username or password');

/** Password sign-in; `address` is the client's (from the gateway), for the back-off per address. */
export async function login(d: UserDeps, req: LoginRequest, address: string | undefined): Promise<AuthReply> {
  const username = checkUsername(req.username);
  const password = checkLoginPassword(req.password);
  const guard = await guardSignIn(d, usernameKey(username), address);
  let found;
  let check;
  try {
    found = await d.users.findCredentials(username, req.username);
    // An unknown username is checked against a decoy hash made at the same cost, so both failures
    // take the same time and a caller cannot tell which usernames exist.
    check = await d.passwords.verify(password, found?.password_hash ?? (await d.passwords.decoy()));
  } catch (err) {
    await guard.refund(); // no password was checked: not a failure
    throw err;
  }
  if (!found?.password_hash || !check.ok) throw wrong(); // counted by the guard already
  await guard.passed();
  if (check.rehash) await rehash(d, found.id, found.password_hash, password);
  return { userId: found.id, created: false };
}

/** Stores the password at today's cost in place of an older, weaker hash (OWASP: upgrade on sign-in). */
async function rehash(d: UserDeps, id: number, old: string, password: string): Promise<void> {
  try {
    await d.users.replacePasswordHash(id, old, await d.passwords.hash(password), d.clock.now());
  } catch (err) {
    // The sign-in itself succeeded and the old hash still verifies: the next one tries again.
    d.log.warn({ err, userId: id }, 'could not store the password at the current cost');
  }
}
