import type { Interceptor, Next } from './types.js';

/** Composes interceptors around a final step once, so a call pays no per-call setup. First = outermost. */
export function chain(interceptors: readonly Interceptor[], last: Next): Next {
  let next = last;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const icp = interceptors[i]!;
    const inner = next;
    next = (call) => icp(call, inner);
  }
  return next;
}
