/** The suite's one way to wait for a condition and to look at a failure. */
import assert from 'node:assert/strict';
import { NavienError } from '../../src/navien/errors';

export interface WaitOptions {
  /** Give up after this many ms (default 10 s); the error names `what`. */
  timeout?: number;
  what?: string;
}

/** Polls `check` every 10 ms until it returns true; rejects with "timed out waiting for <what>". */
export function waitFor(check: () => boolean, opts: WaitOptions = {}): Promise<void> {
  const timeout = opts.timeout ?? 10_000;
  const what = opts.what ?? 'condition';
  const deadline = Date.now() + timeout;
  return new Promise<void>((resolve, reject) => {
    const tick = (): void => {
      try {
        if (check()) return resolve();
      } catch (err) {
        return reject(err instanceof Error ? err : new Error(String(err)));
      }
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
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
