/**
 * Notices a heater (or a whole stream) that went quiet, for every node that cares (issue 13):
 * navien-status shows how old its last status is after twice its poll interval (at least 60 s),
 * navien-events sends `offline` after `staleAfter` seconds. One timer, armed for the moment the
 * silence would reach the threshold and re-armed lazily, so a status costs no timer work. The
 * clock is injected so tests need not wait.
 */
import { systemClock, type Clock } from '../navien/clock';

// The same clock the Navien client waits on: tests replace it (or sinon's fake timers do, since
// the system clock looks the timer functions up on every call).
export { systemClock, type Clock };

const MIN_STALE_MS = 60_000;

/** 0 (never stale) when the node does not poll: then silence is expected. */
export function staleAfterMs(intervalS: number): number {
  return intervalS > 0 ? Math.max(2 * intervalS * 1000, MIN_STALE_MS) : 0;
}

/** How often navien-status refreshes the age on a stale badge. */
export function badgeRefreshMs(thresholdMs: number): number {
  return Math.max(5_000, thresholdMs / 4);
}

/** "45 s", "7 min", "3 h". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 120) return `${min} min`;
  return `${Math.floor(min / 60)} h`;
}

export interface StaleWatchOptions {
  clock?: Clock;
  /** While the silence lasts, call onStale again this often (0 = once per silence). */
  repeatMs?: number;
  /** Start paused (nothing counts until resume()), e.g. before our own connection is up. */
  paused?: boolean;
}

export class StaleWatch {
  private readonly clock: Clock;
  private readonly thresholdMs: number;
  private readonly repeatMs: number;
  private readonly onStale: (ageMs: number, everHeard: boolean) => void;
  /** The last status (or the start): the age a badge shows. */
  private lastHeardAt: number;
  /** Silence counts from here: the last status, or the last resume(). */
  private countFrom: number;
  private everHeard = false;
  private paused: boolean;
  private stopped = false;
  private timer: unknown;

  /** thresholdMs 0 = never stale. */
  constructor(
    thresholdMs: number,
    onStale: (ageMs: number, everHeard: boolean) => void,
    opts: StaleWatchOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.thresholdMs = thresholdMs;
    this.repeatMs = opts.repeatMs ?? 0;
    this.onStale = onStale;
    this.lastHeardAt = this.countFrom = this.clock.now();
    this.paused = opts.paused === true;
    this.arm(thresholdMs);
  }

  /** A status arrived (timed by this watch's clock, so tests control every age). */
  heard(): void {
    this.lastHeardAt = this.countFrom = this.clock.now();
    this.everHeard = true;
    // An armed timer fires early and re-arms for the rest; none is armed after a single report.
    if (this.timer === undefined) this.arm(this.thresholdMs);
  }

  /** Our own connection is down: silence says nothing about the heater until resume(). */
  pause(): void {
    this.paused = true;
    this.disarm();
  }

  /** Our connection is back: the heater gets the whole threshold from now. */
  resume(): void {
    this.paused = false;
    this.countFrom = this.clock.now();
    this.disarm();
    this.arm(this.thresholdMs);
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  /** The timer fired: report if the silence reached the threshold, else wait for the rest. */
  private fire(): void {
    this.timer = undefined;
    if (this.paused || this.stopped || this.thresholdMs <= 0) return;
    const now = this.clock.now();
    const silentMs = now - this.countFrom;
    if (silentMs < this.thresholdMs) {
      this.arm(this.thresholdMs - silentMs);
      return;
    }
    if (this.repeatMs > 0) this.arm(this.repeatMs);
    this.onStale(now - this.lastHeardAt, this.everHeard);
  }

  private arm(ms: number): void {
    if (this.paused || this.stopped || this.thresholdMs <= 0) return;
    this.timer = this.clock.setTimeout(() => this.fire(), ms);
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
