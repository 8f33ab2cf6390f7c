// How many uploads a gateway process takes at once: counting semaphores over all upload bodies in
// flight, each user's, and each address's bodies whose token is not known yet. No queue: a body
// over a bound is refused at once, before it is read, because a parked upload still holds a
// socket and a client's patience; the client tries again later. enter() hands back a slot the
// request settles (go-zero's breaker style: the mechanism never wraps the guarded work).
//
// Per process, not per cluster: the bounds protect this process's disk, memory and ffmpeg runs,
// and a user spread over several gateways gets perUser at each, which still caps what one token
// can hold open at perUser × gateways.
import { Code, SurgeError, errors } from '#kit/errors';

export interface UploadGateOptions {
  /**
   * Uploads one user may have in flight at once. Default 2: the client publishes one video at a
   * time; a second lets a retry start while a stalled first has not timed out yet.
   */
  perUser?: number;
  /**
   * Upload bodies the process takes at once, from everyone. Default 16: at the default upload
   * limit of 100 MB that is at most 1.6 GB being written and 16 cover frames being taken at once,
   * which a small server survives; raise it on a bigger one.
   */
  inFlight?: number;
  /**
   * Bodies one address may have open before their token is known (a token sent as a form field
   * is read after the body starts). Default 4: a few phones behind one NAT publishing at the same
   * moment pass, while one client holding bodies open without a token takes no more than 4 of
   * inFlight.
   */
  perAddress?: number;
}

export interface UploadGate {
  /**
   * A slot for one upload body from `address`, by `user` when its token was already checked (a
   * token in the query). Throws Overloaded when the process holds inFlight bodies; RateLimited
   * when the user has perUser uploads in flight or, for a body whose user is not known yet, the
   * address has perAddress such bodies.
   */
  enter(address: string, user?: number): UploadSlot;
  /** Bodies holding a slot, and those of them whose uploader is not known yet. */
  stats(): { inFlight: number; unidentified: number };
}

export interface UploadSlot {
  /**
   * The body's uploader is known: the slot moves from its address's count to the user's (again,
   * to another user, when a later token wins). Throws RateLimited when the user already has
   * perUser uploads in flight; the slot is held until leave() either way.
   */
  identify(user: number): void;
  /** Frees the slot; later calls do nothing. */
  leave(): void;
}

const DEFAULTS = { perUser: 2, inFlight: 16, perAddress: 4 } as const;

/** Fills the defaults and refuses settings that are not positive integers, at construction. */
export function resolveUploadGateOptions(o: UploadGateOptions = {}): Readonly<Required<UploadGateOptions>> {
  const resolved = { ...DEFAULTS, ...Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) } as Required<UploadGateOptions>;
  for (const name of ['perUser', 'inFlight', 'perAddress'] as const) {
    const v = resolved[name];
    if (!Number.isSafeInteger(v) || v < 1) throw errors.invalid(name, `must be a positive integer number of uploads, got ${String(v)}`);
  }
  return Object.freeze(resolved);
}

export function createUploadGate(options?: UploadGateOptions): UploadGate {
  const o = resolveUploadGateOptions(options);
  let inFlight = 0;
  let unidentified = 0;
  const byUser = new Map<number, number>();
  const byAddress = new Map<string, number>();
  const add = <K>(counts: Map<K, number>, key: K, by: number) => {
    const n = (counts.get(key) ?? 0) + by;
    if (n === 0) counts.delete(key);
    else counts.set(key, n);
  };
  const checkUser = (user: number) => {
    if ((byUser.get(user) ?? 0) >= o.perUser) {
      throw new SurgeError(Code.RateLimited, `you already have ${o.perUser} uploads in progress; wait for one to finish`, { details: { limit: o.perUser } });
    }
  };

  return {
    enter(address, user) {
      if (inFlight >= o.inFlight) {
        throw new SurgeError(Code.Overloaded, `the server is taking ${o.inFlight} uploads at once; try again shortly`, { details: { limit: o.inFlight } });
      }
      if (user !== undefined) checkUser(user);
      else if ((byAddress.get(address) ?? 0) >= o.perAddress) {
        throw new SurgeError(Code.RateLimited, `this address has ${o.perAddress} uploads open that have not sent their token yet; send the token first (in the query or as the first form field)`, { details: { limit: o.perAddress } });
      }
      inFlight++;
      // Who holds the slot: the address until identified, then the user; undefined once left.
      let holder: { address: string } | { user: number } | undefined;
      if (user !== undefined) {
        add(byUser, user, 1);
        holder = { user };
      } else {
        unidentified++;
        add(byAddress, address, 1);
        holder = { address };
      }
      const release = () => {
        if (holder === undefined) return;
        if ('address' in holder) {
          unidentified--;
          add(byAddress, holder.address, -1);
        } else {
          add(byUser, holder.user, -1);
        }
      };
      return {
        identify(user) {
          if (holder === undefined || ('user' in holder && holder.user === user)) return;
          checkUser(user);
          release();
          add(byUser, user, 1);
          holder = { user };
        },
        leave() {
          if (holder === undefined) return;
          release();
          holder = undefined;
          inFlight--;
        },
      };
    },
    stats: () => ({ inFlight, unidentified }),
  };
}
