/**
 * The round-trip delay of a simulated heater's answers, and a way to know when all of them are
 * out. A test that reuses one simulator waits for idle() between tests, so an answer to the
 * previous test's request cannot land on the next test's device wildcard (issue 11).
 */
export class AnswerQueue {
  private readonly latencyMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly publishing = new Set<Promise<unknown>>();
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(latencyMs: number) {
    this.latencyMs = latencyMs;
  }

  /** Runs `answer` after the round-trip delay, unless the queue was stopped first. */
  later(answer: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) answer();
      this.settle();
    }, this.latencyMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Counts a publish (its rejection already handled) until it settles. */
  track(publish: Promise<unknown>): void {
    this.publishing.add(publish);
    void publish.finally(() => {
      this.publishing.delete(publish);
      this.settle();
    });
  }

  /** Resolves once no answer is waiting for its delay or being published. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Drops the answers still waiting; publishes under way finish. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.settle();
  }

  private isIdle(): boolean {
    return this.timers.size === 0 && this.publishing.size === 0;
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
