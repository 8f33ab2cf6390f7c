// The breaker for "off": every call is allowed and nothing is counted.
import { type Breaker, type BreakerHandle, type RunOptions, runWithBreaker } from './breaker.js';

const settleNothing: BreakerHandle = Object.freeze({ accept() {}, reject() {} });

export function nopBreaker(name = ''): Breaker {
  const breaker: Breaker = {
    name,
    allow: () => settleNothing,
    run: <T>(fn: () => Promise<T>, options?: RunOptions<T>) => runWithBreaker(breaker, fn, options),
  };
  return breaker;
}
