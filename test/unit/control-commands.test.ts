import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildControlSteps,
  displayRange,
  parseControlPayload,
  type ControlStep,
} from '../../src/navien/control/commands';
import { confirms } from '../../src/navien/control/confirm';
import { CONTROL_KEYS, CONTROL_TABLE, type ControlTableEntry } from '../../src/navien/control/keys';
import { CONTROL_MODES } from '../../src/navien/protocol/commands';
import { decodeEnergy } from '../../src/navien/decode/energy';
import { parseEnergyRequest } from '../../src/navien/energy-request';
import { NavienError } from '../../src/navien/errors';
import { Heater } from '../../src/simulator/heater';

// A feature record as the simulator's heaters report it (every flag on, no recirculation).
const FEATURE = new Heater({ mac: 'a4c1382f0000' }).feature() as Record<string, unknown>;

function steps(payload: unknown, units: 'auto' | 'F' | 'C' = 'F', feature = FEATURE) {
  return buildControlSteps(parseControlPayload(payload), feature, units);
}

function rejects(fn: () => unknown, code: string, ...parts: (string | RegExp)[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof NavienError, 'a NavienError');
    assert.equal(err.code, code);
    for (const part of parts) {
      if (typeof part === 'string') assert.ok(err.message.includes(part), err.message);
      else assert.match(err.message, part);
    }
    return true;
  });
}

describe('control commands: payload -> protocol commands', function () {
  it('translates every key to its §2.7 command, mode and param', function () {
    const all = steps({
      power: true,
      temperature: 140,
      mode: 'heat-pump',
      vacation: 7,
      vacationDays: 10,
      antiLegionella: 14,
      tou: true,
      demandResponse: false,
      airFilterReset: true,
      airFilterLife: 3000,
      intelligent: true,
    });
    const brief = all.map((s: ControlStep) => [s.key, s.code, s.mode, s.param]);
    assert.deepEqual(brief, [
      ['power', 33554434, 'power-on', []],
      ['temperature', 33554464, 'dhw-temperature', [120]],
      ['mode', 33554437, 'dhw-mode', [1]],
      ['vacation', 33554437, 'dhw-mode', [5, 7]],
      ['vacationDays', 33554466, 'goout-day', [10]],
      ['antiLegionella', 33554472, 'anti-leg-on', [14]],
      ['tou', 33554476, 'tou-on', []],
      ['demandResponse', 33554469, 'dr-off', []],
      ['airFilterReset', 33554473, 'air-filter-reset', []],
      ['airFilterLife', 33554474, 'air-filter-life', [6]],
      ['intelligent', 33554468, 'intelligent-on', []],
    ]);
  });

  it('refuses freezeProtection as a command the vendor app never sends, whatever the value', function () {
    for (const value of [45, 'on', null])
      rejects(
        () => parseControlPayload({ power: true, freezeProtection: value }),
        'NAVIEN_UNSUPPORTED',
        'freezeProtection',
        'vendor app never sends',
        'Nothing was sent',
      );
  });

  it('the simulated heater accepts exactly what the encoder sends, and every app control has a key', function () {
    const sent = new Set<string>();
    const recirc = { ...FEATURE, recirculationUse: 2 };
    const payloads = [
      { power: true, temperature: 150, mode: 'heat-pump', vacation: 30, vacationDays: 1 },
      {
        power: false,
        mode: 'high-demand',
        antiLegionella: false,
        tou: false,
        demandResponse: true,
      },
      { antiLegionella: 30, tou: true, demandResponse: false, airFilterReset: true },
      { airFilterLife: 0, intelligent: true },
      { airFilterLife: 10_000, intelligent: false },
      { recirculation: 'temperature', hotButton: true },
    ];
    for (const payload of payloads) {
      const h = new Heater({ mac: 'a4c1382f0001', recirculation: true, autoDraws: false });
      for (const s of steps(payload, 'F', recirc)) {
        sent.add(s.mode);
        assert.deepEqual(h.applyControl(s.code, s.mode, s.param), { ok: true }, s.label);
        assert.equal(confirms(s, h.status()), true, `${s.label} confirmed by the simulator`);
      }
    }
    assert.deepEqual([...sent].sort(), Object.keys(CONTROL_MODES).sort());
  });

  it('README and the help name, for every key, the status field that confirms it', function () {
    const help = readFileSync(join(__dirname, '../../locales/en-US/navien-control.html'), 'utf8');
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    for (const key of CONTROL_KEYS) {
      const entry: ControlTableEntry = CONTROL_TABLE[key];
      const field = 'refused' in entry ? 'freezeProtectionTemperature' : entry.confirmedBy;
      const name = field.startsWith('the heater') ? 'answer' : (field.split(' ')[0] ?? field);
      const places = [
        ['help', help, `<code>${key}</code>:`, '</li>'],
        ['README', readme, `| \`${key}\``, '\n'],
      ] as const;
      for (const [doc, text, start, end] of places) {
        const at = text.indexOf(start);
        assert.ok(at >= 0, `${doc} lists ${key}`);
        const item = text.slice(at, text.indexOf(end, at + start.length));
        assert.ok(item.includes(name), `${doc} says ${name} confirms ${key}`);
      }
    }
  });

  it('keeps the order of the keys and honours false as a real value', function () {
    const got = steps({ tou: false, power: false, antiLegionella: false, intelligent: false });
    assert.deepEqual(
      got.map((s) => s.mode),
      ['tou-off', 'power-off', 'anti-leg-off', 'intelligent-off'],
    );
  });

  it('converts temperatures to half-°C: 140 °F -> 120, 120 °F -> 98, 48.5 °C -> 97', function () {
    assert.deepEqual(steps({ temperature: 140 })[0]?.param, [120]);
    assert.deepEqual(steps({ temperature: 120 })[0]?.param, [98]);
    assert.deepEqual(steps({ temperature: 48.5 }, 'C')[0]?.param, [97]);
    // 'auto' follows the heater's display unit (temperatureType 1 = °C).
    assert.deepEqual(
      steps({ temperature: 50 }, 'auto', { ...FEATURE, temperatureType: 1 })[0]?.param,
      [100],
    );
    assert.equal(steps({ temperature: 125 })[0]?.label, '125°F');
  });

  it('checks the set-point against the feature limits, in the user unit', function () {
    rejects(
      () => steps({ temperature: 151 }),
      'NAVIEN_INVALID_INPUT',
      'temperature',
      '151',
      '105–150 °F',
    );
    rejects(() => steps({ temperature: 104 }), 'NAVIEN_INVALID_INPUT', '105–150 °F');
    rejects(() => steps({ temperature: 66 }, 'C'), 'NAVIEN_INVALID_INPUT', '66 °C', '40.5–65.5 °C');
    assert.deepEqual(steps({ temperature: 150 })[0]?.param, [131]);
    assert.deepEqual(steps({ temperature: 105 })[0]?.param, [81]);
    // Limits come from the record, not from constants.
    const narrow = { ...FEATURE, dhwTemperatureMin: 90, dhwTemperatureMax: 100 };
    rejects(() => steps({ temperature: 125 }, 'C', narrow), 'NAVIEN_INVALID_INPUT', '45–50 °C');
    assert.equal(displayRange(81, 131, 'F'), '105–150 °F');
  });

  it('refuses unknown keys, wrong types and out-of-range days, naming key and value', function () {
    rejects(
      () => parseControlPayload({ temp: 120 }),
      'NAVIEN_INVALID_INPUT',
      'temp',
      'temperature',
    );
    rejects(() => parseControlPayload({ power: 'on' }), 'NAVIEN_INVALID_INPUT', 'power', '"on"');
    rejects(
      () => parseControlPayload({ temperature: '125' }),
      'NAVIEN_INVALID_INPUT',
      'temperature',
    );
    rejects(
      () => parseControlPayload({ mode: 'turbo' }),
      'NAVIEN_INVALID_INPUT',
      'turbo',
      'heat-pump',
    );
    rejects(
      () => parseControlPayload({ vacation: 0 }),
      'NAVIEN_INVALID_INPUT',
      'vacation',
      '1 to 30',
      '(got 0)',
    );
    rejects(() => parseControlPayload({ vacation: 31 }), 'NAVIEN_INVALID_INPUT', 'vacation');
    rejects(() => parseControlPayload({ vacation: 2.5 }), 'NAVIEN_INVALID_INPUT', 'vacation');
    rejects(
      () => parseControlPayload({ antiLegionella: true }),
      'NAVIEN_INVALID_INPUT',
      'antiLegionella',
    );
    rejects(
      () => parseControlPayload({ antiLegionella: 0 }),
      'NAVIEN_INVALID_INPUT',
      'antiLegionella',
    );
    rejects(() => parseControlPayload({ hotButton: false }), 'NAVIEN_INVALID_INPUT', 'hotButton');
    rejects(
      () => parseControlPayload({ recirculation: 'sometimes' }),
      'NAVIEN_INVALID_INPUT',
      'always',
    );
    rejects(() => parseControlPayload({ vacationDays: 0 }), 'NAVIEN_INVALID_INPUT', 'vacationDays');
    rejects(() => parseControlPayload({ vacationDays: 31 }), 'NAVIEN_INVALID_INPUT', '1 to 30');
    for (const hours of [500, 1200, 10_500, -1000, 2000.5, '3000', true])
      rejects(
        () => parseControlPayload({ airFilterLife: hours }),
        'NAVIEN_INVALID_INPUT',
        'airFilterLife',
        '1000 to 10000 in steps of 500',
      );
    rejects(() => parseControlPayload({}), 'NAVIEN_INVALID_INPUT', 'no command');
    rejects(() => parseControlPayload(125), 'NAVIEN_INVALID_INPUT', 'object');
    rejects(() => parseControlPayload([{ power: true }]), 'NAVIEN_INVALID_INPUT', 'array');
    // One bad key fails the whole message, even after good ones.
    rejects(
      () => parseControlPayload({ power: true, temperature: null }),
      'NAVIEN_INVALID_INPUT',
      'temperature',
    );
  });

  it('refuses commands the heater does not support, naming the capability flag', function () {
    const off = (flag: string, value: unknown = 1) => ({ ...FEATURE, [flag]: value });
    const cases: [unknown, Record<string, unknown>, string][] = [
      [{ power: false }, off('powerUse'), 'powerUse'],
      [{ temperature: 120 }, off('dhwTemperatureSettingUse'), 'dhwTemperatureSettingUse'],
      [{ temperature: 120 }, off('dhwTemperatureSettingUse', 0), 'dhwTemperatureSettingUse'],
      [{ vacation: 3 }, off('holidayUse'), 'holidayUse'],
      [{ mode: 'heat-pump' }, off('heatpumpUse'), 'heatpumpUse'],
      [{ mode: 'electric' }, off('electricUse', 0), 'electricUse'],
      [{ mode: 'energy-saver' }, off('energySaverUse'), 'energySaverUse'],
      [{ mode: 'high-demand' }, off('highDemandUse'), 'highDemandUse'],
      [{ antiLegionella: false }, off('antiLegionellaSettingUse'), 'antiLegionellaSettingUse'],
      [{ tou: true }, off('programReservationUse'), 'programReservationUse'],
      [{ demandResponse: true }, off('drSettingUse'), 'drSettingUse'],
      [{ vacationDays: 5 }, off('holidayUse'), 'holidayUse'],
      [{ recirculation: 'always' }, FEATURE, 'recirculationUse'],
      [{ hotButton: true }, FEATURE, 'recirculationUse'],
    ];
    for (const [payload, feature, flag] of cases) {
      rejects(() => steps(payload, 'F', feature), 'NAVIEN_UNSUPPORTED', flag, 'nothing was sent');
    }
    const missing = { ...FEATURE };
    delete missing.powerUse;
    rejects(() => steps({ power: true }, 'F', missing), 'NAVIEN_UNSUPPORTED', 'missing');
    const recirc = { ...FEATURE, recirculationUse: 2 };
    assert.deepEqual(
      steps({ recirculation: 'temperature', hotButton: true }, 'F', recirc).map((s) => s.param),
      [[4], [1]],
    );
  });
});

describe('control commands: confirmation checks', function () {
  const one = (payload: unknown) => steps(payload)[0];

  it('a status confirms a write only when it reflects it', function () {
    const table: [unknown, Record<string, number>, Record<string, number>][] = [
      [{ temperature: 125 }, { dhwTemperatureSetting: 103 }, { dhwTemperatureSetting: 120 }],
      [{ mode: 'electric' }, { dhwOperationSetting: 2 }, { dhwOperationSetting: 3 }],
      [{ power: false }, { dhwOperationSetting: 6 }, { dhwOperationSetting: 3 }],
      [{ power: true }, { dhwOperationSetting: 3 }, { dhwOperationSetting: 6 }],
      [
        { vacation: 4 },
        { dhwOperationSetting: 5, vacationDaySetting: 4 },
        { dhwOperationSetting: 5, vacationDaySetting: 9 },
      ],
      [
        { antiLegionella: 7 },
        { antiLegionellaUse: 2, antiLegionellaPeriod: 7 },
        { antiLegionellaUse: 2, antiLegionellaPeriod: 14 },
      ],
      [{ antiLegionella: false }, { antiLegionellaUse: 1 }, { antiLegionellaUse: 2 }],
      [{ tou: true }, { touStatus: 1 }, { touStatus: 0 }],
      [{ tou: false }, { programReservationUse: 1 }, { programReservationUse: 2 }],
      [
        { vacationDays: 10 },
        { dhwOperationSetting: 3, vacationDaySetting: 10 },
        { dhwOperationSetting: 3, vacationDaySetting: 7 },
      ],
      [{ airFilterReset: true }, { airFilterAlarmElapsed: 0 }, { airFilterAlarmElapsed: 311 }],
      [{ airFilterLife: 3000 }, { airFilterAlarmPeriod: 3000 }, { airFilterAlarmPeriod: 1000 }],
      [{ airFilterLife: 0 }, { airFilterAlarmPeriod: 0 }, { airFilterAlarmPeriod: 1000 }],
      [
        { airFilterLife: 0 },
        { airFilterAlarmUse: 1, airFilterAlarmPeriod: 1000 },
        { airFilterAlarmUse: 2, airFilterAlarmPeriod: 1000 },
      ],
    ];
    for (const [payload, yes, no] of table) {
      const s = one(payload);
      assert.equal(
        confirms(s, yes),
        true,
        `${JSON.stringify(payload)} confirmed by ${JSON.stringify(yes)}`,
      );
      assert.equal(
        confirms(s, no),
        false,
        `${JSON.stringify(payload)} not confirmed by ${JSON.stringify(no)}`,
      );
    }
    // No status key reflects these: the heater's answer is the confirmation.
    assert.equal(confirms(one({ demandResponse: true }), {}), true);
    assert.equal(confirms(one({ intelligent: false }), {}), true);
  });
});

describe('energy: request and decoding', function () {
  const now = new Date(2026, 2, 10);

  it('reads {year, month}, {year, months} and defaults to the current month', function () {
    assert.deepEqual(parseEnergyRequest({ year: 2025, month: 12 }, now), {
      year: 2025,
      months: [12],
    });
    assert.deepEqual(parseEnergyRequest({ year: 2025, months: [1, 2, 2] }, now), {
      year: 2025,
      months: [1, 2],
    });
    assert.deepEqual(parseEnergyRequest(1767225600000, now), { year: 2026, months: [3] });
    assert.deepEqual(parseEnergyRequest({ month: 1 }, now), { year: 2026, months: [1] });
    rejects(
      () => parseEnergyRequest({ year: 2025, month: 13 }, now),
      'NAVIEN_INVALID_INPUT',
      'month',
    );
    rejects(() => parseEnergyRequest({ year: 2025 }, now), 'NAVIEN_INVALID_INPUT', 'month');
    rejects(
      () => parseEnergyRequest({ year: '2025', month: 1 }, now),
      'NAVIEN_INVALID_INPUT',
      'year',
    );
    rejects(
      () => parseEnergyRequest({ year: 2025, months: [] }, now),
      'NAVIEN_INVALID_INPUT',
      'months',
    );
  });

  it('decodes days, month totals and shares', function () {
    const day = (hp: number, he: number, hpT: number, heT: number) => ({
      hpUsage: hp,
      heUsage: he,
      hpTime: hpT,
      heTime: heT,
    });
    const decoded = decodeEnergy(
      {
        typeOfUsage: 1,
        total: day(0, 0, 0, 0),
        usage: [
          { year: 2026, month: 2, data: [day(3000, 1000, 6, 1), day(1000, 0, 2, 0)] },
          { year: 2026, month: 1, data: [day(0, 0, 0, 0)] },
        ],
      },
      2026,
      [1, 2],
    );
    assert.equal(decoded.months[0]?.month, 1);
    assert.equal(decoded.months[0]?.totals.heatPumpShare, null);
    const feb = decoded.months[1];
    assert.deepEqual(feb?.days[0], {
      day: 1,
      heatPumpWh: 3000,
      elementWh: 1000,
      heatPumpHours: 6,
      elementHours: 1,
      totalWh: 4000,
    });
    assert.deepEqual(feb?.totals, {
      heatPumpWh: 4000,
      elementWh: 1000,
      heatPumpHours: 8,
      elementHours: 1,
      totalWh: 5000,
      heatPumpShare: 80,
      elementShare: 20,
    });
    assert.equal(decoded.totals.totalWh, 5000);
  });
});
