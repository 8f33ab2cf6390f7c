// Logs calls that fail with a client-visible error at debug level, and slow calls at warn,
// with the request id carried in metadata so a line can be joined to its HTTP request.
import type { Clock } from '#kit/clock';
import { SurgeError } from '#kit/errors';
import type { Interceptor } from '../types.js';

export interface CallLog {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export function loggingInterceptor(log: CallLog, clock: Clock, slowMs = 500): Interceptor {
  return async (call, next) => {
    const start = clock.monotonic();
    try {
      return await next(call);
    } catch (err) {
      const e = SurgeError.from(err);
      log.debug({ rpc: `${call.service}/${call.method}`, code: e.code, msg: e.message, reqId: call.ctx.metadata['x-request-id'] }, 'rpc call failed');
      throw err;
    } finally {
      const ms = clock.monotonic() - start;
      if (ms > slowMs) log.warn({ rpc: `${call.service}/${call.method}`, ms: Math.round(ms), reqId: call.ctx.metadata['x-request-id'] }, 'slow rpc call');
    }
  };
}
