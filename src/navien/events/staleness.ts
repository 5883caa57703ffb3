/**
 * Says when a heater has been silent for too long. One timer per heater, restarted by every
 * status; paused while our own connection is down (silence then says nothing about the heater).
 * Uses the global timers, so tests drive it with sinon fake timers.
 */
export class StalenessWatch {
  private readonly staleAfterMs: number;
  private readonly onStale: () => void;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(staleAfterMs: number, onStale: () => void) {
    this.staleAfterMs = staleAfterMs;
    this.onStale = onStale;
  }

  /** A status arrived (or the watch resumes): the heater has staleAfter from now. */
  restart(): void {
    if (this.closed) return;
    this.pause();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onStale();
    }, this.staleAfterMs);
  }

  pause(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.closed = true;
    this.pause();
  }
}
