/**
 * A fake clock to hand to the code under test (its `clock` option), so a test advances time
 * instead of sleeping. Only that code's own timers are fake: the fake is installed on a private
 * object, never on globalThis, so sockets, mqtt.js, ws, aedes, the REST simulator and waitFor()
 * keep the real timers.
 */
import sinon from 'sinon';
import type { Clock } from '../../src/navien/clock';

export interface FakeClock {
  /** What the code under test receives. */
  clock: Clock;
  /** Drives it: tick(), tickAsync(), countTimers(), now. */
  fake: sinon.SinonFakeTimers;
}

type InstallOptions = Parameters<typeof sinon.useFakeTimers>[0];

/** A fake clock starting at `start` (epoch ms; a whole second by default, for SigV4 dates). */
export function fakeClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)): FakeClock {
  // sinon installs on `global` when given (its documented option, missing from @types/sinon).
  const privateGlobal = { setTimeout, clearTimeout, Date };
  const fake = sinon.useFakeTimers({
    now: start,
    toFake: ['setTimeout', 'clearTimeout', 'Date'],
    global: privateGlobal,
  } as InstallOptions);
  type Handle = Parameters<typeof fake.clearTimeout>[0];
  return {
    fake,
    clock: {
      now: () => fake.now,
      setTimeout: (callback, ms) => fake.setTimeout(callback, ms),
      clearTimeout: (handle) => fake.clearTimeout(handle as Handle),
    },
  };
}
