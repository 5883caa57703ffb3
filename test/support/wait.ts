/** The suite's one way to wait for a condition and to look at a failure. */
import assert from 'node:assert/strict';
import { NavienError } from '../../src/navien/errors';

export interface WaitOptions {
  /** Give up after this many ms (default 10 s); the error names `what`. */
  timeout?: number;
  what?: string;
}

/** Rejecters of the waits still polling, so a test's teardown can end the ones it left behind. */
const pending = new Set<(reason: Error) => void>();

/** Polls `check` every 10 ms until it returns true; rejects with "timed out waiting for <what>". */
export function waitFor(check: () => boolean, opts: WaitOptions = {}): Promise<void> {
  const timeout = opts.timeout ?? 10_000;
  const what = opts.what ?? 'condition';
  const deadline = Date.now() + timeout;
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = (err?: Error): void => {
      pending.delete(cancel);
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const cancel = (reason: Error): void => settle(new Error(`${reason.message} (${what})`));
    const tick = (): void => {
      try {
        if (check()) return settle();
      } catch (err) {
        return settle(err instanceof Error ? err : new Error(String(err)));
      }
      if (Date.now() > deadline) return settle(new Error(`timed out waiting for ${what}`));
      timer = setTimeout(tick, 10);
    };
    pending.add(cancel);
    tick();
  });
}

/**
 * Rejects every wait still polling. A test that timed out keeps running in the background; its
 * waits would hold the process open (mocha without --exit) and act on the next test's flow.
 */
export function cancelWaits(reason = 'the test is over'): void {
  for (const cancel of [...pending]) cancel(new Error(reason));
}

/** The NavienError `promise` rejects with; fails the test when it resolves or throws anything else. */
export async function rejection(promise: Promise<unknown>): Promise<NavienError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof NavienError, `expected a NavienError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}
