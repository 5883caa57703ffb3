/**
 * Notices a status stream that went quiet (issue 13): after twice the poll interval (at least
 * 60 s) without a status, the node's badge says how old its last status is. Clock and timers
 * are injected so tests need not wait.
 */
export interface Clock {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

const MIN_STALE_MS = 60_000;

/** 0 (never stale) when the node does not poll: then silence is expected. */
export function staleAfterMs(intervalS: number): number {
  return intervalS > 0 ? Math.max(2 * intervalS * 1000, MIN_STALE_MS) : 0;
}

/** "45 s", "7 min", "3 h". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 120) return `${min} min`;
  return `${Math.floor(min / 60)} h`;
}

export class StaleWatch {
  private readonly clock: Clock;
  private readonly thresholdMs: number;
  private readonly onStale: (ageMs: number, everHeard: boolean) => void;
  private lastAt: number;
  private everHeard = false;
  private timer: unknown;

  constructor(
    thresholdMs: number,
    onStale: (ageMs: number, everHeard: boolean) => void,
    clock: Clock = systemClock,
  ) {
    this.clock = clock;
    this.thresholdMs = thresholdMs;
    this.onStale = onStale;
    this.lastAt = clock.now();
    if (thresholdMs > 0) {
      // Checked a few times per threshold so the age on the badge stays roughly current.
      this.timer = clock.setInterval(() => this.check(), Math.max(5_000, thresholdMs / 4));
    }
  }

  /** A status arrived (timed by this watch's clock, so tests control every age). */
  heard(): void {
    this.lastAt = this.clock.now();
    this.everHeard = true;
  }

  check(): void {
    const age = this.clock.now() - this.lastAt;
    if (this.thresholdMs > 0 && age >= this.thresholdMs) this.onStale(age, this.everHeard);
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearInterval(this.timer);
    this.timer = undefined;
  }
}
