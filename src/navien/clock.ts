/**
 * Where the parts that wait get their time and timers from. Production code uses the system
 * clock; tests pass a fake one (e.g. an adapter around sinon.clock.create()) and advance it,
 * instead of sleeping and hoping the real timer has fired.
 */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Calls `callback` after `ms`; the handle is only good for clearTimeout() of the same clock. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Lets the process exit while `handle` waits, when the clock's timers support that (Node's do). */
export function unrefTimer(handle: unknown): void {
  const timer = handle as { unref?: unknown } | null;
  if (timer && typeof timer.unref === 'function') (timer as { unref(): void }).unref();
}
