// The function nodes of examples 25 (monthly chart) and 26 (maintenance counters), run on
// payloads shaped as navien-energy sends them: what a user would see on the chart and in the report.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/packing';

type Fn = (msg: Record<string, unknown>) => unknown;

function exampleFunction(file: string, id: string): Fn {
  const nodes = JSON.parse(readFileSync(join(repoRoot, 'examples', file), 'utf8')) as {
    id: string;
    func?: string;
  }[];
  const store = new Map<string, unknown>();
  const context = {
    get: (k: string) => store.get(k),
    set: (k: string, v: unknown) => store.set(k, v),
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the example's own code
  const body = new Function(
    'msg',
    'node',
    'context',
    String(nodes.find((n) => n.id === id)?.func),
  ) as (...args: unknown[]) => unknown;
  return (msg) => body(msg, { status: () => undefined }, context);
}

const month = (m: number, heatPumpWh: number, elementWh: number) => ({
  month: m,
  heatPumpWh,
  elementWh,
  heatPumpHours: 0,
  elementHours: 0,
  totalWh: heatPumpWh + elementWh,
});

describe('examples 25 and 26: what their function nodes make of navien-energy output', function () {
  it('25 charts one bar per month, heater and source, for every heater seen', function () {
    const points = exampleFunction('25 - Monthly energy chart.json', 'ex25-points');
    const payload = {
      report: 'monthly',
      years: [{ year: 2025, months: [month(1, 89662, 31260), month(2, 83099, 0)] }],
      lifetime: { totalWh: 1460202, heatPumpShare: 85.4 },
    };
    points({ topic: 'navien/aa/energy/monthly', device: { deviceName: 'Garage' }, payload });
    const out = points({ topic: 'navien/bb/energy/monthly', payload }) as {
      payload: { month: string; source: string; kWh: number }[];
    };
    assert.deepEqual(out.payload.slice(0, 2), [
      { month: '2025-01', source: 'Garage: heat pump', kWh: 89.662 },
      { month: '2025-01', source: 'Garage: elements', kWh: 31.26 },
    ]);
    assert.equal(out.payload.length, 8, 'two heaters × two months × two sources');
    assert.ok(
      out.payload.some((p) => p.source === 'bb: elements'),
      'no device: the MAC names it',
    );
  });

  it('26 reports the week from two readings and warns above the element share', function () {
    const report = exampleFunction('26 - Maintenance counters.json', 'ex26-report');
    const counters = (hp: number, el: number, starts: number) => ({
      report: 'lifetime',
      counters: {
        heatPumpHours: hp,
        elementHours: el,
        compressorStarts: starts,
        elementStarts: el * 8,
        daysInService: 400,
      },
    });
    const device = { deviceName: 'Garage' };
    const [first, firstWarning] = report({ device, payload: counters(2851, 41, 684) }) as [
      { payload: Record<string, unknown> },
      unknown,
    ];
    assert.equal(first.payload.elementShareOf, 'lifetime');
    assert.equal(first.payload.elementShare, 1.4);
    assert.equal(firstWarning, null, '1.4 % is under the 20 % limit');
    // A week later: 50 h of heat pump and 20 h of elements = 28.6 % elements.
    const [week, warning] = report({ device, payload: counters(2901, 61, 696) }) as [
      { payload: { thisWeek: Record<string, number>; elementShare: number } },
      { payload: string } | null,
    ];
    assert.deepEqual(week.payload.thisWeek, {
      heatPumpHours: 50,
      elementHours: 20,
      compressorStarts: 12,
      elementStarts: 160,
    });
    assert.equal(week.payload.elementShare, 28.6);
    assert.match(String(warning?.payload), /Garage: the elements ran 28.6% .* more than 20%/);
  });
});
