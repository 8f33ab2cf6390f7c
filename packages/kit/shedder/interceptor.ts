// Server-side RPC interceptor: asks the shedder before the handler runs, so a shed request
// costs one comparison and answers Overloaded (the caller's breaker counts it as a failure).
import { Code, SurgeError } from '#kit/errors';
import type { Interceptor } from '#kit/rpc';
import type { Shedder, ShedderHandle } from './shedder.js';

export function shedderInterceptor(shedder: Shedder): Interceptor {
  return (call, next) => {
    let handle: ShedderHandle;
    try {
      handle = shedder.allow();
    } catch (err) {
      return Promise.reject(err);
    }
    return next(call).then(
      (reply) => {
        handle.pass();
        return reply;
      },
      (err: unknown) => {
        // A handler that answered with an error still did its work in the time measured;
        // only calls cut short by a deadline or cancel have a latency that says nothing.
        const code = SurgeError.from(err).code;
        if (code === Code.DeadlineExceeded || code === Code.Cancelled) handle.fail();
        else handle.pass();
        throw err;
      },
    );
  };
}
