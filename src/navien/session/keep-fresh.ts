/**
 * The keep-fresh timer: while an MQTT connection needs live AWS credentials, renew the tokens
 * a little after they fall due, and after a failure try again when the throttle allows it.
 */
import type { Logger } from '../types';
import { unrefTimer, type Clock } from '../clock';
import { describeError } from '../errors';

/** Fire slightly after the due instant so the renewal policy sees "expired". */
const SLACK_MS = 100;
/** After a failure that set no throttle wait, try again this much later. */
const RETRY_MS = 60_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface KeepFreshOptions {
  now: () => number;
  /** Whose timers wait for the due instant (the session's clock). */
  clock: Clock;
  logger: Logger;
  /** May a renewal start now (session open, none running)? */
  idle: () => boolean;
  /** When the next renewal is due (epoch ms). */
  dueAt: () => number;
  /** Renews (or confirms) the tokens. */
  renew: () => Promise<unknown>;
  /** Has the last failure set a throttle wait (then dueAt() already accounts for it)? */
  throttled: () => boolean;
}

export class KeepFreshTimer {
  private on = false;
  private closed = false;
  private timer?: unknown;

  constructor(private readonly opts: KeepFreshOptions) {}

  set(on: boolean): void {
    this.on = on && !this.closed;
    this.schedule();
  }

  /** For good: no timer, and a renewal still running logs nothing when it fails. */
  close(): void {
    this.closed = true;
    this.set(false);
  }

  /** (Re)arms the timer for the next due instant, or clears it when off or busy. */
  schedule(): void {
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.on || !this.opts.idle()) return;
    const delay = Math.min(
      Math.max(0, this.opts.dueAt() - this.opts.now()) + SLACK_MS,
      MAX_TIMER_MS,
    );
    this.arm(delay);
  }

  private arm(delay: number): void {
    this.timer = this.opts.clock.setTimeout(() => this.fire(), delay);
    unrefTimer(this.timer);
  }

  private fire(): void {
    this.timer = undefined;
    this.opts.renew().then(
      () => this.schedule(),
      (err: unknown) => {
        if (this.closed) return;
        this.opts.logger.warn(`Navien: keeping tokens fresh failed (${describeError(err)})`);
        if (this.opts.throttled()) this.schedule();
        else if (this.on) this.arm(RETRY_MS);
      },
    );
  }
}
