// Server-side deadline: refuse work whose deadline has passed, and answer DeadlineExceeded
// when the deadline passes mid-call (the handler sees ctx.signal abort and should stop).
import type { Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import type { Interceptor } from '../types.js';

export function deadlineInterceptor(clock: Clock): Interceptor {
  return (call, next) => {
    const deadline = call.ctx.deadline;
    if (deadline === undefined) return next(call);
    const left = deadline - clock.now();
    if (left <= 0) return Promise.reject(errors.deadline());
    // The transport answers DeadlineExceeded at the deadline itself (gRPC): no second timer.
    if (call.ctx.deadlineEnforced) return next(call);
    return new Promise((resolve, reject) => {
      const timer = clock.after(left, () => reject(errors.deadline()));
      next(call).then(
        (v) => {
          timer.cancel();
          resolve(v);
        },
        (e) => {
          timer.cancel();
          reject(e);
        },
      );
    });
  };
}
