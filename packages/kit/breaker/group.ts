// One breaker per key (per method, and per instance once calls go over the network), held by
// an object the caller owns and passes in, never a module-level map: two clients, or two tests,
// never share breaker state by accident.
import { type Breaker } from './breaker.js';
import { type BreakerOptions, createBreaker } from './google-throttle.js';
import { nopBreaker } from './nop.js';

export interface BreakerGroupOptions {
  /** Default false. When true every key gets a nop breaker (config "breaker off"). */
  off?: boolean;
  /** Default {}. Options for each breaker the group creates; the key becomes its name. */
  breaker?: Omit<BreakerOptions, 'name'>;
  /** Default: a Google SRE breaker with `breaker` options (or nop when `off`). Overrides both. */
  create?: (key: string) => Breaker;
}

export class BreakerGroup {
  private readonly breakers = new Map<string, Breaker>();
  private readonly create: (key: string) => Breaker;

  constructor(options: BreakerGroupOptions = {}) {
    const shared = options.breaker ?? {};
    this.create = options.create ?? (options.off ? (key) => nopBreaker(key) : (key) => createBreaker({ ...shared, name: key }));
  }

  /** The breaker for key, created on first use. */
  get(key: string): Breaker {
    let b = this.breakers.get(key);
    if (!b) {
      b = this.create(key);
      this.breakers.set(key, b);
    }
    return b;
  }

  /** Forgets a key (an instance that left), so the group does not grow with every instance ever seen. */
  delete(key: string): boolean {
    return this.breakers.delete(key);
  }

  /** Forgets every key starting with prefix (all methods of one instance, say). Returns how many. */
  deletePrefix(prefix: string): number {
    let n = 0;
    for (const key of [...this.breakers.keys()]) if (key.startsWith(prefix) && this.breakers.delete(key)) n++;
    return n;
  }

  keys(): string[] {
    return [...this.breakers.keys()];
  }
}
