// The back-off on wrong passwords (docs/security.md, "Sign-in back-off"). Three keys, each with the
// kit's back-off (#kit/limit: free failures, then waits of 1 s, 2 s, 4 s … up to a cap):
//   address: every wrong password from one client address, whatever the account; a success does
//     not forgive them (else a guesser with one account of its own could clear its address between
//     guesses at others), it only takes its own attempt back. Slows one address spraying many accounts.
//   account: wrong passwords for one account (username key) from anywhere. Slows many addresses
//     guessing one account. A success forgives them.
//   account at address: the same per address; a success is remembered (a known address). The
//     account key is not applied at an address the account signed in from lately, so guesses from
//     elsewhere never lock the owner out where they usually sign in: there they meet only the
//     address and pair back-offs, which their own success clears.
// Every wait is capped, so nobody is locked out for good; mobile-code sign-in is not affected.
// An attempt is counted when it starts (so concurrent guesses cannot slip past) and settled by
// the use case: passed() on a right password, refund() when no password was checked (an
// internal error); a wrong password needs nothing.
import { errors } from '#kit/errors';
import type { BackoffLimiter, UserDeps } from '../deps.js';

export interface SignInGuard {
  passed(): Promise<void>;
  refund(): Promise<void>;
}

type Attempt = Awaited<ReturnType<BackoffLimiter['take']>>;

const refused = (a: Attempt, what: string) => errors.rateLimited(Math.max(1, Math.ceil(a.retryAfterMs / 1000)), `too many wrong passwords ${what}`);

/** Takes the sign-in attempt on every key that applies, or throws RateLimited naming the one that waits. */
export async function guardSignIn(d: UserDeps, account: string, address: string | undefined): Promise<SignInGuard> {
  const b = d.signInBackoff;
  const taken: Attempt[] = [];
  const refundAll = () => Promise.all(taken.map((a) => a.refund())).then(() => undefined);
  const take = async (limiter: BackoffLimiter, key: string, what: string) => {
    const a = await limiter.take(key);
    if (!a.allowed) {
      await refundAll();
      throw refused(a, what);
    }
    taken.push(a);
    return a;
  };
  const byAddress = address === undefined ? undefined : await take(b.perAddress, address, 'from this address');
  // A space cannot occur in a username key (usernames have none) or an address.
  const atAddress = address === undefined ? undefined : await take(b.perAccountAtAddress, `${account} ${address}`, 'for this account');
  const known = (atAddress?.passedAt ?? 0) > 0;
  const byAccount = known ? undefined : await take(b.perAccount, account, 'for this account');
  return {
    async passed() {
      await Promise.all([byAddress?.refund(), atAddress?.pass(), byAccount ? byAccount.pass() : b.perAccount.pass(account)]);
    },
    refund: refundAll,
  };
}
