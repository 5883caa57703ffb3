import assert from 'node:assert/strict';
import { Backoff, backoffDelay } from '../../src/navien/backoff';

describe('backoff (the one retry-delay rule)', function () {
  const policy = { baseMs: 1000, capMs: 30_000 };

  it('doubles from the base per failure, with no jitter at random 0.5', function () {
    const waits = [0, 1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 0.5));
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16_000]);
  });

  it('jitters ×0.5 … ×1.5 and rounds to whole milliseconds', function () {
    assert.equal(
      backoffDelay(policy, 0, () => 0),
      500,
    );
    assert.equal(
      backoffDelay(policy, 1, () => 0.999),
      2998,
    );
    assert.equal(
      backoffDelay({ baseMs: 3, capMs: 100 }, 0, () => 0),
      2,
    );
  });

  it('never waits longer than the cap, and keeps jitter below it', function () {
    assert.equal(
      backoffDelay(policy, 5, () => 0.5),
      30_000,
    );
    assert.equal(
      backoffDelay(policy, 5, () => 0.999),
      30_000,
    );
    assert.equal(
      backoffDelay(policy, 50, () => 0),
      15_000,
    );
    assert.equal(
      backoffDelay(policy, 10_000, () => 0.5),
      30_000,
    );
  });

  it('waits at least 1 ms, and treats a negative count as the first failure', function () {
    assert.equal(
      backoffDelay({ baseMs: 0, capMs: 10 }, 0, () => 0),
      1,
    );
    assert.equal(
      backoffDelay(policy, -3, () => 0.5),
      1000,
    );
  });

  it('Backoff counts failures until reset()', function () {
    const b = new Backoff({ baseMs: 2000, capMs: 5 * 60_000 }, () => 0.5);
    const waits = Array.from({ length: 10 }, () => b.next());
    assert.deepEqual(waits.slice(0, 5), [2000, 4000, 8000, 16_000, 32_000]);
    assert.equal(Math.max(...waits), 5 * 60_000);
    assert.equal(b.failures, 10);
    b.reset();
    assert.equal(b.failures, 0);
    assert.equal(b.next(), 2000);
  });
});
