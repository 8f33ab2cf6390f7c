// The per-call context: deadline, cancellation and metadata. Deadlines are absolute wall-clock
// milliseconds so they mean the same thing in every process they reach; each hop takes the
// earlier of its own timeout and the deadline it was given, so a call with 50 ms left never
// starts work downstream with more.
import type { Clock } from '#kit/clock';

export interface CallContext {
  /** Absolute deadline, ms since the epoch; undefined = none. */
  readonly deadline: number | undefined;
  /** Request id, caller and (later) trace context; carried to nested calls. */
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * True when the transport itself ends the call at its deadline (answers DeadlineExceeded and
   * cancels this context), as grpc-js does: the server's deadline interceptor then sets no timer.
   */
  readonly deadlineEnforced?: boolean;
  /** Aborted when the deadline passes or the call is cancelled; created on first use. */
  readonly signal: AbortSignal;
  /** Milliseconds left before the deadline (Infinity when there is none). */
  remainingMs(): number;
  /** Cancels the call: work watching `signal` stops. */
  cancel(reason?: unknown): void;
  /**
   * Runs `listener` once when the call is cancelled (or its signal aborts), without creating the
   * signal and its deadline timer: for transports whose peer enforces the deadline itself.
   * Returns a function that removes the listener.
   */
  onCancel?(listener: () => void): () => void;
  /**
   * The call is over: stops the deadline timer behind `signal`, so a finished call leaves no
   * timer to fire (and no error to build) later. Called by the client when the call settles.
   */
  end?(): void;
}

class Context implements CallContext {
  private controller: AbortController | undefined;
  private timer: { cancel(): void } | undefined;
  /** onCancel listeners waiting for a controller to exist. */
  private waiting: (() => void)[] | undefined;
  /** cancel() before anything asked for the signal: the signal is born aborted with this reason. */
  private cancelled: { reason: unknown } | undefined;

  constructor(
    readonly deadline: number | undefined,
    private meta: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>),
    private readonly clock: Clock,
    readonly deadlineEnforced = false,
  ) {}

  get metadata(): Readonly<Record<string, string>> {
    const m = this.meta;
    return typeof m === 'function' ? (this.meta = m()) : m;
  }

  // The AbortController and its timer cost a few µs, so only calls that look at the signal pay.
  get signal(): AbortSignal {
    if (!this.controller) {
      const c = this.newController();
      if (this.cancelled) c.abort(this.cancelled.reason ?? cancelReason());
      else if (this.deadline !== undefined) {
        const left = this.deadline - this.clock.now();
        if (left <= 0) c.abort(deadlineReason());
        else this.timer = this.clock.after(left, () => this.controller?.abort(deadlineReason()));
      }
    }
    return this.controller!.signal;
  }

  private newController(): AbortController {
    const c = (this.controller = new AbortController());
    for (const fn of this.waiting ?? []) c.signal.addEventListener('abort', fn, { once: true });
    this.waiting = undefined;
    return c;
  }

  onCancel(listener: () => void): () => void {
    const c = this.controller;
    if (c) {
      if (c.signal.aborted) {
        listener();
        return () => {};
      }
      c.signal.addEventListener('abort', listener, { once: true });
      return () => c.signal.removeEventListener('abort', listener);
    }
    if (this.cancelled) {
      listener();
      return () => {};
    }
    (this.waiting ??= []).push(listener);
    return () => {
      if (this.waiting) this.waiting = this.waiting.filter((fn) => fn !== listener);
      else this.controller?.signal.removeEventListener('abort', listener);
    };
  }

  remainingMs(): number {
    return this.deadline === undefined ? Infinity : this.deadline - this.clock.now();
  }

  end(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  cancel(reason?: unknown): void {
    this.timer?.cancel();
    this.timer = undefined;
    const c = this.controller;
    if (c) {
      if (!c.signal.aborted) c.abort(reason ?? cancelReason());
    } else if (this.waiting) {
      this.newController().abort(reason ?? cancelReason());
    } else {
      // Nothing listens yet: the controller (and the Error naming the reason, whose stack is the
      // costly part) is made only if something asks for the signal later.
      this.cancelled ??= { reason };
    }
  }
}

function deadlineReason(): Error {
  const e = new Error('deadline exceeded');
  e.name = 'TimeoutError';
  return e;
}

function cancelReason(): Error {
  const e = new Error('cancelled');
  e.name = 'AbortError';
  return e;
}

export interface NewContextOptions {
  parent?: CallContext;
  timeoutMs?: number;
  /** An absolute deadline received over the wire. */
  deadline?: number;
  metadata?: Readonly<Record<string, string>>;
  /**
   * The received metadata, read on first use instead of `metadata`: for a transport whose
   * metadata costs to convert and that most calls never read (only failures and slow calls log it).
   */
  readMetadata?: () => Readonly<Record<string, string>>;
  /** The transport ends the call at its deadline itself (CallContext.deadlineEnforced); not inherited. */
  deadlineEnforced?: boolean;
  clock: Clock;
}

/** A context for a new call: the earliest of the parent's deadline, the given deadline and now + timeout. */
export function createCallContext(o: NewContextOptions): CallContext {
  let deadline = o.parent?.deadline ?? o.deadline;
  if (o.deadline !== undefined && deadline !== undefined) deadline = Math.min(deadline, o.deadline);
  if (o.timeoutMs !== undefined && o.timeoutMs !== Infinity) {
    const own = o.clock.now() + o.timeoutMs;
    deadline = deadline === undefined ? own : Math.min(deadline, own);
  }
  if (o.readMetadata && !o.parent && !o.metadata) return new Context(deadline, o.readMetadata, o.clock, o.deadlineEnforced);
  const own = o.metadata ?? o.readMetadata?.();
  const metadata = o.parent ? (own ? { ...o.parent.metadata, ...own } : o.parent.metadata) : (own ?? EMPTY);
  return new Context(deadline, metadata, o.clock, o.deadlineEnforced);
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});
