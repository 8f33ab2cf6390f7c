// The shedder's public shape: allow() hands back a handle the caller settles (pass records the
// latency the estimate learns from), or throws Overloaded at once so a hot server spends
// nothing on work it would finish too late.
import { Code, SurgeError } from '#kit/errors';

export interface ShedderHandle {
  /** The request was served: records its latency and frees its in-flight slot. */
  pass(): void;
  /** The request was cut short (deadline, cancel): frees its slot without teaching the estimate. */
  fail(): void;
}

export interface Shedder {
  /** A handle to settle when the request ends, or throws SurgeError(Overloaded). */
  allow(): ShedderHandle;
  /** Stops the probe the shedder created itself (a probe passed in belongs to the caller). */
  close(): void;
}

export function overloaded(): SurgeError {
  return new SurgeError(Code.Overloaded, 'service overloaded, retry later');
}
