// Error mapping at the server edge: whatever a handler throws leaves as a SurgeError with a
// stable code. Internal errors are logged here, with their cause, because the caller only
// ever sees "internal error".
import { Code, SurgeError } from '#kit/errors';
import type { Interceptor } from '../types.js';

export interface ErrorLog {
  error(obj: object, msg: string): void;
}

export function errorInterceptor(log: ErrorLog): Interceptor {
  return (call, next) =>
    next(call).catch((err: unknown) => {
      const e = SurgeError.from(err);
      if (e.code === Code.Internal) {
        log.error({ err: e.cause ?? e, rpc: `${call.service}/${call.method}`, reqId: call.ctx.metadata['x-request-id'] }, 'rpc handler failed');
      }
      throw e;
    });
}
