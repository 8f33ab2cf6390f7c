import type { Clock } from '#kit/clock';
import { deadlineInterceptor } from './interceptors/deadline.js';
import { errorInterceptor, type ErrorLog } from './interceptors/errors.js';
import { loggingInterceptor, type CallLog } from './interceptors/logging.js';
import { metricsInterceptor, type RpcObserver } from './interceptors/metrics.js';
import type { Interceptor } from './types.js';

export interface ServerInterceptorDeps {
  log: ErrorLog & CallLog;
  observer: RpcObserver;
  clock: Clock;
  /** Guards that may refuse a call (load shedding); they run inside metrics, so refusals are counted. */
  guards?: readonly Interceptor[];
}

/** The standard server chain, outermost first: errors → metrics → guards → logging → deadline → handler. */
export function serverInterceptors(d: ServerInterceptorDeps): Interceptor[] {
  return [errorInterceptor(d.log), metricsInterceptor('server', d.observer, d.clock), ...(d.guards ?? []), loggingInterceptor(d.log, d.clock), deadlineInterceptor(d.clock)];
}
