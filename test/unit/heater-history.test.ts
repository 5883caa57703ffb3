import assert from 'node:assert/strict';
import { Heater } from '../../src/simulator/heater';
import type { EnergyDay } from '../../src/simulator/heater-state';

/** The simulated heater's monthly answer and counters against its own daily history (§9.3, §9.4). */
describe('simulated heater: monthly history, lifetime total and installer counters', function () {
  const START = Date.UTC(2026, 2, 10, 6, 0, 0);
  function heater(): Heater {
    const h = new Heater({ mac: 'a4c1382f09be', seed: 7, startTime: START, mode: 4 });
    h.startDraw(12, 1200);
    h.tick(6 * 3600);
    return h;
  }
  const keys = ['hpUsage', 'heUsage', 'hpTime', 'heTime'] as const;
  function sumDays(days: readonly EnergyDay[]): EnergyDay {
    const out = { hpUsage: 0, heUsage: 0, hpTime: 0, heTime: 0 };
    for (const d of days) for (const k of keys) out[k] += d[k];
    return out;
  }

  it('sends twelve months per year asked, each the sum of that month of the daily answer', function () {
    const h = heater();
    const answer = h.energyHistory([2025, 2026]);
    assert.deepEqual(
      answer.usage.map((u) => [u.year, u.data.length]),
      [
        [2025, 12],
        [2026, 12],
      ],
    );
    for (const entry of answer.usage) {
      const daily = h.energyUsage(entry.year, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      entry.data.forEach((item, i) => {
        const want = sumDays(daily.usage[i].data);
        if (want.hpUsage === 0 && want.heUsage === 0) {
          // A zero month comes without its time keys, as in the captured answer.
          assert.deepEqual(item, { hpUsage: 0, heUsage: 0 }, `${entry.year}-${i + 1}`);
        } else {
          assert.deepEqual(item, want, `${entry.year}-${i + 1}`);
        }
      });
    }
    // The invented history starts 400 days before the start; today's use is in March 2026.
    assert.ok('hpTime' in answer.usage[0].data[5], 'mid-2025 has use');
    assert.ok(answer.usage[1].data[2].heUsage > 0, 'high-demand element use today');
    assert.deepEqual(
      answer.usage[1].data[11],
      { hpUsage: 0, heUsage: 0 },
      'December 2026 is ahead',
    );
  });

  it('carries the same lifetime total in daily and monthly answers: the sum of every day ever', function () {
    const h = heater();
    const years = [2024, 2025, 2026];
    const monthly = h.energyHistory(years);
    const everything = sumDays(
      monthly.usage.flatMap((u) => u.data.map((d) => ({ hpTime: 0, heTime: 0, ...d }))),
    );
    assert.deepEqual(monthly.total, everything);
    assert.deepEqual(h.energyUsage(2026, [3]).total, everything);
    assert.deepEqual(h.energyHistory([2026]).total, everything, 'whatever the years asked');
  });

  it('counts energy and run hours in the installer counters exactly as the lifetime total', function () {
    const h = heater();
    const total = h.energyHistory([2026]).total;
    const { typeOfTD, data } = h.installerCounters();
    assert.equal(typeOfTD, 2);
    assert.equal(data.tsData.cumulatedPwrHp, total.hpUsage);
    assert.equal(data.tsData.cumulatedPwrHe, total.heUsage);
    assert.equal(data.taData.cumulatedOpTimeComp, total.hpTime);
    assert.equal(data.taData.cumulatedOpTimeUhe, total.heTime);
    assert.equal(data.taData.cumulatedOpNumComp, Math.round(total.hpTime / 4));
    assert.deepEqual(data.tcData, {});
    // First invented day: 400 days before the start day (heater-physics.ts).
    assert.equal(data.tsData.daysSinceInstallation, 400);
    h.injectError(799);
    assert.equal(h.installerCounters().data.tsData.cumulatedOccNumWtrOvrFlow, 1);
  });
});
