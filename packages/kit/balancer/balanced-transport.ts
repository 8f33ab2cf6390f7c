// A Transport over many instances of one service: each call goes to the instance the picker
// chooses, and its outcome (latency on the injected clock, failed or not) goes back to the picker.
// Discovery keeps the picker's instance set current; this file only routes and reports.
import { type Clock, systemClock } from '#kit/clock';
import { Code, errors, SurgeError } from '#kit/errors';
import type { Transport, UnaryCall } from '#kit/rpc';
import type { Picker } from './picker.js';

/** One instance of the called service and the transport that reaches it. */
export interface BalancedInstance {
  /** Stable identity (host:port); the picker's key. */
  readonly id: string;
  readonly transport: Transport;
}

export interface BalancedTransportOptions {
  /** Required: chooses the instance per call (createP2cPicker with key: (i) => i.id, usually). */
  picker: Picker<BalancedInstance>;
  /** Default systemClock. Its monotonic time measures each call's latency. */
  clock?: Clock;
}

/**
 * Codes that say the instance failed the call, so the picker should send it less: it did not
 * answer, ran out of time, broke, shed the call, or its breaker is open. Every other code is an
 * answer (InvalidArgument, NotFound, AlreadyExists… are the caller's mistakes, served fine).
 */
const INSTANCE_FAILURES: ReadonlySet<number> = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.Internal,
  Code.Overloaded,
  Code.BreakerOpen,
]);

/** Whether an error counts against the instance that returned it. */
export function isInstanceFailure(err: SurgeError): boolean {
  return INSTANCE_FAILURES.has(err.code);
}

export function createBalancedTransport(options: BalancedTransportOptions): Transport {
  const picker = options?.picker;
  if (!picker || typeof picker.pick !== 'function') throw errors.invalid('picker', 'must be a Picker of { id, transport }');
  const clock = options.clock ?? systemClock;
  if (typeof clock.monotonic !== 'function') throw errors.invalid('clock', 'must be a Clock');

  return {
    async unary(call: UnaryCall): Promise<unknown> {
      const picked = picker.pick();
      const start = clock.monotonic();
      try {
        const reply = await picked.instance.transport.unary(call);
        picked.done({ ok: true, latencyMs: clock.monotonic() - start });
        return reply;
      } catch (caught) {
        // Transports throw SurgeErrors already; anything else is a bug there, so Internal.
        const err = SurgeError.from(caught);
        const latencyMs = clock.monotonic() - start;
        if (err.code === Code.Cancelled) picked.done({ ok: true, cancelled: true, latencyMs });
        else picked.done({ ok: !isInstanceFailure(err), latencyMs });
        throw err;
      }
    },
  };
}
