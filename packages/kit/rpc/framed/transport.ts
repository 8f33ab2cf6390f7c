// The framed client transport: a few persistent connections to one server, each call sent on
// the ready connection with the fewest calls in flight. It owns what outlives one connection:
// deadlines (the call fails with DeadlineExceeded at its deadline whether or not a reply comes),
// cancellation (a CANCEL frame when the caller gives up), calls waiting for a connection (in a
// bounded queue) and reconnecting with exponential back-off and jitter.
// A call waits for a connection only while one may come soon: at start-up, after a drop until the
// next attempt, or while an attempt is in progress. Once an attempt is refused and none is ready,
// waiting calls and new ones fail at once with Unavailable until an attempt succeeds: a server
// that is down costs its callers a refused connect, not their whole deadline.
// It also tells a balancer what it needs: calls in flight, and whether it is ready, draining
// (the server said GOAWAY) or connecting.
import type { Timer } from '#kit/clock';
import { Code, errors, SurgeError } from '#kit/errors';
import { encodeMessage, WireWriter } from '../codec/index.js';
import { unavailable } from './unavailable.js';
import type { Transport, UnaryCall } from '../types.js';
import { ClientConnection, type ConnectionEvents, type ConnectionState, type PendingCall } from './connection.js';
import { type FramedTransportOptions, resolveFramedTransportOptions } from './options.js';

export type FramedTransportState = 'ready' | 'connecting' | 'draining' | 'closed';

export interface FramedTransportStats {
  state: FramedTransportState;
  /** Calls sent and not answered plus calls waiting for a connection. */
  inFlight: number;
  /** Calls waiting for a connection. */
  waiting: number;
  /** Bytes not yet taken by the kernel (every connection) plus bytes of waiting calls; bounded by maxQueuedBytes each. */
  queuedBytes: number;
  connections: { state: ConnectionState; inFlight: number; queuedBytes: number; pongs: number }[];
}

export interface FramedTransport extends Transport {
  /** Stops taking calls (they fail with Unavailable); calls in flight finish, then the sockets close. */
  close(): Promise<void>;
  /** 'ready': a connection takes calls now. 'draining': the server said GOAWAY and none is ready. 'connecting': none is ready yet. */
  state(): FramedTransportState;
  /** Calls in flight and waiting: the load a balancer weighs. */
  inFlight(): number;
  stats(): FramedTransportStats;
  /** Called on every state change (a balancer stops picking a draining or dead server). Returns the unsubscribe. */
  onStateChange(listener: (state: FramedTransportState) => void): () => void;
}

interface Slot {
  conn: ClientConnection | undefined;
  failures: number;
  retry: Timer | undefined;
}

interface Call extends PendingCall {
  timer: Timer | undefined;
  waiting: boolean;
}

export function createFramedTransport(options: FramedTransportOptions): FramedTransport {
  const o = resolveFramedTransportOptions(options);
  const { clock } = o;
  const slots: Slot[] = Array.from({ length: o.connections }, () => ({ conn: undefined, failures: 0, retry: undefined }));
  /** Every connection not yet closed, draining ones included (they still hold calls). */
  const live = new Set<ClientConnection>();
  const listeners = new Set<(s: FramedTransportState) => void>();
  let waiting: Call[] = [];
  let waitingBytes = 0;
  let unwatched: Call[] = [];
  let watchTimer: Timer | undefined;
  /** Encodes every request of this transport (one at a time: encoding is synchronous). */
  const encoder = new WireWriter(1024);
  let closed = false;
  let goneAway = false;
  /** The latest connection attempt failed and none has been ready since: calls fail fast, with this cause. */
  let refused: { cause: unknown } | undefined;
  let last: FramedTransportState = 'connecting';

  const state = (): FramedTransportState => {
    if (closed) return 'closed';
    for (const s of slots) if (s.conn?.state === 'ready') return 'ready';
    return goneAway ? 'draining' : 'connecting';
  };
  const emit = () => {
    const now = state();
    if (now === last) return;
    last = now;
    for (const fn of listeners) fn(now);
  };

  const open = (slot: Slot) => {
    slot.retry = undefined;
    if (closed) return;
    const events: ConnectionEvents = {
      ready() {
        slot.failures = 0;
        goneAway = false;
        refused = undefined;
        emit();
        dispatchWaiting();
      },
      draining(c) {
        goneAway = true;
        if (slot.conn === c) {
          slot.conn = undefined;
          reconnect(slot);
        }
        emit();
      },
      closed(c, wasReady, cause) {
        live.delete(c);
        if (slot.conn === c) {
          slot.conn = undefined;
          if (!wasReady) {
            slot.failures++;
            refused = { cause };
          }
          reconnect(slot);
        }
        emit();
        if (refused && !pick() && !attempting()) failWaiting();
      },
    };
    const conn = new ClientConnection(o, events);
    slot.conn = conn;
    live.add(conn);
  };

  // Exponential back-off with jitter: base·2^failures, capped, times a random factor in [0.5, 1).
  const reconnect = (slot: Slot) => {
    if (closed || slot.retry) return;
    const delay = Math.min(o.reconnectMaxMs, o.reconnectBaseMs * 2 ** Math.min(slot.failures, 30)) * (0.5 + o.random() / 2);
    slot.retry = clock.after(delay, () => open(slot));
  };

  const pick = (): ClientConnection | undefined => {
    let best: ClientConnection | undefined;
    for (const s of slots) {
      const c = s.conn;
      if (c && c.state === 'ready' && (!best || c.inFlight < best.inFlight)) best = c;
    }
    return best;
  };

  /** A connection attempt is in progress: calls may wait for its outcome. */
  const attempting = () => {
    for (const s of slots) if (s.conn?.state === 'connecting') return true;
    return false;
  };

  const refusal = () => {
    const why = (refused?.cause as { message?: string } | undefined)?.message;
    return unavailable(o.name, `${o.name} is unavailable: cannot connect${why ? ` (${why})` : ''}; try again shortly`, false, refused?.cause);
  };

  /** Every attempt so far was refused: the calls waiting for a connection would only wait out their deadlines. */
  const failWaiting = () => {
    const list = waiting;
    waiting = [];
    for (const c of list) c.fail(refusal());
    waitingBytes = 0;
  };

  const route = (c: Call) => {
    const conn = pick();
    if (conn) return conn.send(c);
    // The last attempt was refused and the next has not started: fail now rather than at the deadline.
    if (refused && !attempting()) return c.fail(refusal());
    // No connection yet: wait for one (up to the call's deadline), within the same byte budget.
    if (waitingBytes + c.payload.length > o.maxQueuedBytes) {
      return c.fail(unavailable(o.name, `${o.name}: too many calls waiting for a connection`, false));
    }
    c.waiting = true;
    waitingBytes += c.payload.length;
    waiting.push(c);
  };

  const dispatchWaiting = () => {
    const list = waiting;
    waiting = [];
    waitingBytes = 0;
    for (const c of list) {
      if (c.settled) continue;
      c.waiting = false;
      route(c);
    }
  };

  const waitingCount = () => {
    let n = 0;
    for (const c of waiting) if (!c.settled) n++;
    return n;
  };

  const onDeadline = (c: Call) => {
    if (c.settled) return;
    if (c.waiting) return c.fail(unavailable(o.name, `${o.name}: no connection before the deadline`, false));
    c.conn?.cancel(c);
    c.fail(errors.deadline());
  };

  // Cancellation: watching ctx.signal costs an AbortController per call, so only calls still in
  // flight after cancelCheckMs start watching; a call answered sooner never pays for it.
  const watchCancels = () => {
    watchTimer = undefined;
    const list = unwatched;
    unwatched = [];
    for (const c of list) {
      if (c.settled) continue;
      const signal = c.call.ctx.signal;
      const onAbort = () => {
        if (c.settled) return;
        // The context's own deadline timer may fire before ours: same outcome either way.
        if ((signal.reason as { name?: string } | undefined)?.name === 'TimeoutError') return onDeadline(c);
        const conn = c.conn;
        c.fail(new SurgeError(Code.Cancelled, 'the call was cancelled', { cause: signal.reason }));
        conn?.cancel(c);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  };

  for (const slot of slots) open(slot);

  return {
    unary(call: UnaryCall): Promise<unknown> {
      if (closed) return Promise.reject(unavailable(o.name, `${o.name}: the transport is closed`, false));
      const deadline = call.ctx.deadline;
      const left = deadline === undefined ? Infinity : deadline - clock.now();
      if (left <= 0) return Promise.reject(errors.deadline());
      let payload: Uint8Array;
      try {
        payload = encodeMessage(call.definition.requestType, call.request, encoder);
      } catch (cause) {
        return Promise.reject(new SurgeError(Code.Internal, `${call.method} request cannot be encoded`, { cause }));
      }
      return new Promise((resolve, reject) => {
        const c: Call = {
          call,
          payload,
          key: `${call.service}/${call.method}`,
          conn: undefined,
          id: 0,
          seq: 0,
          settled: false,
          timer: undefined,
          waiting: false,
          ok(reply) {
            if (c.settled) return;
            c.settled = true;
            c.timer?.cancel();
            resolve(reply);
          },
          fail(err) {
            if (c.settled) return;
            c.settled = true;
            c.timer?.cancel();
            if (c.waiting) {
              c.waiting = false;
              waitingBytes -= c.payload.length;
            }
            reject(err);
          },
        };
        if (left !== Infinity) c.timer = clock.after(left, () => onDeadline(c));
        route(c);
        if (!c.settled) {
          unwatched.push(c);
          watchTimer ??= clock.after(o.cancelCheckMs, watchCancels);
        }
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const s of slots) s.retry?.cancel();
      watchTimer?.cancel();
      const list = waiting;
      waiting = [];
      for (const c of list) c.fail(unavailable(o.name, `${o.name}: the transport is closed`, false));
      emit();
      await Promise.all([...live].map((c) => c.close()));
    },
    state,
    inFlight() {
      let n = waitingCount();
      for (const c of live) n += c.inFlight;
      return n;
    },
    stats() {
      const connections = [...live].map((c) => ({ state: c.state, inFlight: c.inFlight, queuedBytes: c.queuedBytes, pongs: c.pongs }));
      return {
        state: state(),
        inFlight: connections.reduce((n, c) => n + c.inFlight, 0) + waitingCount(),
        waiting: waitingCount(),
        queuedBytes: connections.reduce((n, c) => n + c.queuedBytes, waitingBytes),
        connections,
      };
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
