// Exponential back-off with "equal jitter" (AWS Architecture Blog, Exponential Backoff And
// Jitter): the n-th wait is half of min(maxMs, baseMs · 2^(n−1)) plus a random share of the other
// half. The jitter spreads the retries of many transactions that failed together (one callee
// restarting), and the fixed half keeps a retry from coming at once, which full jitter allows.

export interface BackoffSpec {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** The wait after the attempt-th failed call (attempt ≥ 1); random() in [0, 1). */
export function backoffMs(retry: BackoffSpec, attempt: number, random: () => number): number {
  const ceiling = Math.min(retry.maxMs, retry.baseMs * 2 ** Math.min(attempt - 1, 52));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
