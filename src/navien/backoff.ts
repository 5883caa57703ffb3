/**
 * The one retry-delay rule of the client (HTTP retries, sign-in backoff, MQTT reconnects):
 * exponential from `baseMs`, doubled per failure, capped at `capMs`, then jittered ×0.5–1.5 so
 * many clients that failed together do not retry together. The jittered value is clipped to the
 * cap again, so the cap is a promise: no wait is ever longer.
 */
export interface BackoffPolicy {
  /** Wait after the first failure (before jitter). */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
}

/** Doublings beyond this cannot matter (2^30 × 1 ms is already 12 days) and would overflow. */
const MAX_DOUBLINGS = 30;

/**
 * Milliseconds to wait after `failures` earlier failures (0 for the first retry); `random`
 * returns [0, 1) like Math.random. Whole milliseconds, at least 1.
 */
export function backoffDelay(
  policy: BackoffPolicy,
  failures: number,
  random: () => number,
): number {
  const exponential = policy.baseMs * 2 ** Math.min(Math.max(0, failures), MAX_DOUBLINGS);
  const base = Math.min(policy.capMs, exponential);
  return Math.max(1, Math.min(policy.capMs, Math.round(base * (0.5 + random()))));
}

/** A failure counter with the rule above: next() gives the wait and counts one more failure. */
export class Backoff {
  private count = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  /** Failures counted since the last reset(). */
  get failures(): number {
    return this.count;
  }

  next(): number {
    const delay = backoffDelay(this.policy, this.count, this.random);
    this.count++;
    return delay;
  }

  reset(): void {
    this.count = 0;
  }
}
