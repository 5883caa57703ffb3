import { strict as assert } from 'node:assert';
import {
  badgeRefreshMs,
  formatAge,
  StaleWatch,
  staleAfterMs,
  type Clock,
} from '../../src/node-red/stale-watch';

/** A clock the test moves by hand; `advance` runs every timer that falls due, in time order. */
function manualClock(start = 1_000_000) {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(nextId, { at: now + ms, fn });
      return nextId++;
    },
    clearTimeout: (id) => void timers.delete(id as number),
  };
  const advance = (ms: number): void => {
    const end = now + ms;
    for (;;) {
      const due = [...timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = end;
  };
  return { clock, advance, pending: () => timers.size, now: () => now };
}

describe('StaleWatch (the one staleness timer of navien-status and navien-events)', () => {
  it('reports once, exactly threshold after the last status; each status holds it off', () => {
    const c = manualClock();
    const fired: [number, number, boolean][] = [];
    const t0 = c.now();
    const w = new StaleWatch(900_000, (age, heard) => fired.push([c.now() - t0, age, heard]), {
      clock: c.clock,
    });
    w.heard();
    c.advance(899_999);
    w.heard();
    c.advance(899_999);
    assert.deepEqual(fired, []);
    c.advance(1);
    assert.deepEqual(fired, [[899_999 + 900_000, 900_000, true]]);
    c.advance(10 * 900_000);
    assert.equal(fired.length, 1, 'once per silence without repeatMs');
    assert.equal(c.pending(), 0, 'no timer left running');
    w.heard();
    c.advance(900_000);
    assert.equal(fired.length, 2, 'a new silence after a status reports again');
    w.stop();
  });

  it('one timer however many statuses arrive', () => {
    const c = manualClock();
    const w = new StaleWatch(60_000, () => undefined, { clock: c.clock });
    for (let i = 0; i < 50; i++) {
      c.advance(1_000);
      w.heard();
    }
    assert.equal(c.pending(), 1);
    w.stop();
    assert.equal(c.pending(), 0);
  });

  it('paused while our own connection is down; resume gives the heater the whole threshold', () => {
    const c = manualClock();
    const fired: number[] = [];
    const t0 = c.now();
    const w = new StaleWatch(120_000, (age) => fired.push(age), { clock: c.clock, paused: true });
    c.advance(600_000);
    assert.deepEqual(fired, [], 'nothing counts before the first resume');
    w.resume();
    w.heard();
    c.advance(100_000);
    w.pause();
    c.advance(600_000);
    assert.deepEqual(fired, [], 'silence while paused does not count');
    w.resume();
    c.advance(119_999);
    assert.deepEqual(fired, []);
    c.advance(1);
    // The age is still measured from the last status, not from the resume.
    assert.deepEqual(fired, [c.now() - (t0 + 600_000)]);
    w.stop();
  });

  it('with repeatMs, reports again while the silence lasts (the status badge age); never before any status says so', () => {
    const c = manualClock();
    const fired: [number, boolean][] = [];
    const threshold = staleAfterMs(300);
    const w = new StaleWatch(threshold, (age, heard) => fired.push([age, heard]), {
      clock: c.clock,
      repeatMs: badgeRefreshMs(threshold),
    });
    c.advance(threshold + 2 * badgeRefreshMs(threshold));
    assert.deepEqual(fired, [
      [600_000, false],
      [750_000, false],
      [900_000, false],
    ]);
    w.heard();
    c.advance(threshold - 1);
    assert.equal(fired.length, 3, 'a status ends the silence');
    w.stop();
    c.advance(10 * threshold);
    assert.equal(fired.length, 3);
  });

  it('threshold 0 never reports and keeps no timer', () => {
    const c = manualClock();
    const w = new StaleWatch(staleAfterMs(0), () => assert.fail('reported'), { clock: c.clock });
    w.heard();
    w.resume();
    c.advance(86_400_000);
    assert.equal(c.pending(), 0);
  });

  it('staleAfterMs, badgeRefreshMs and formatAge', () => {
    assert.equal(staleAfterMs(300), 600_000);
    assert.equal(staleAfterMs(10), 60_000);
    assert.equal(badgeRefreshMs(60_000), 15_000);
    assert.equal(badgeRefreshMs(10_000), 5_000);
    assert.deepEqual([45_000, 119_999, 7 * 60_000, 3 * 3_600_000].map(formatAge), [
      '45 s',
      '119 s',
      '7 min',
      '3 h',
    ]);
  });
});
