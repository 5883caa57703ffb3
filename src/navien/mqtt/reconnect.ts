/**
 * When the MQTT connection tries again: the shared backoff rule (from 1 s, doubling, at most
 * 3 min by default), one timer at a time, and a failure count that only starts over once a
 * connection has stayed up for `stableMs`, so a broker that kicks us at once cannot make us loop.
 */
import { Backoff } from '../backoff';
import { systemClock, type Clock } from '../clock';

export interface ReconnectOptions {
  initialMs?: number;
  maxMs?: number;
  /** A connection must live this long before the backoff counts as reset (stops kick loops). */
  stableMs?: number;
}

export class ReconnectSchedule {
  private readonly backoff: Backoff;
  private readonly stableMs: number;
  private timer: unknown = null;
  private connectedAt = 0;

  constructor(
    opts: ReconnectOptions | undefined,
    random: () => number,
    private readonly clock: Clock = systemClock,
  ) {
    this.backoff = new Backoff(
      { baseMs: opts?.initialMs ?? 1000, capMs: opts?.maxMs ?? 180_000 },
      random,
    );
    this.stableMs = opts?.stableMs ?? 10_000;
  }

  /** A retry is waiting for its timer. */
  get waiting(): boolean {
    return this.timer !== null;
  }

  /** Runs `attempt` after the next backoff step; returns the delay. */
  schedule(attempt: () => void): number {
    const delay = this.backoff.next();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      attempt();
    }, delay);
    return delay;
  }

  cancel(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Start counting failures from zero (a new connection, or the user asked to retry now). */
  reset(): void {
    this.backoff.reset();
  }

  connected(): void {
    this.connectedAt = this.clock.now();
  }

  /** The connection ended: a long-lived one resets the count. */
  disconnected(): void {
    if (this.connectedAt > 0 && this.clock.now() - this.connectedAt >= this.stableMs) this.reset();
    this.connectedAt = 0;
  }

  /** Shut down: forget the connection time (it must not reset a later count). */
  forget(): void {
    this.connectedAt = 0;
  }
}
