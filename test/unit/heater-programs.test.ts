import assert from 'node:assert/strict';
import { decodeSchedule } from '../../src/navien/program/schedule';
import { CONTROL_COMMANDS, Heater } from '../../src/simulator/heater';
import {
  answerProgramRequest,
  programsOf,
  reservationHex,
} from '../../src/simulator/heater-programs';

const MAC = 'a4c1382f09be';
/** Monday 2026-01-12 05:00 local time: the program runs on the heater's local clock. */
const MONDAY_5AM = new Date(2026, 0, 12, 5, 0, 0).getTime();

function heater(): Heater {
  return new Heater({ mac: MAC, seed: 7, mode: 3, autoDraws: false, startTime: MONDAY_5AM });
}

/** Writes a program the way a client does, through the heater's request handler. */
function write(h: Heater, reservationUse: number, reservation: Record<string, number>[]): void {
  const replies = answerProgramRequest(h, 'ctrl/rsv/rd', {
    command: 16777226,
    reservationUse,
    reservation,
  });
  assert.equal(replies?.length, 1);
}

const setpoint = (h: Heater): number => h.status().dhwTemperatureSetting;

/** Simulated time moves only through tick(): this is the test's clock. */
function runFor(h: Heater, seconds: number): void {
  for (let s = 0; s < seconds; s += 10) h.tick(10);
}

describe('simulated heater: weekly program', function () {
  it('fires an entry when its clock passes the entry minute on a matching day, not before', function () {
    const h = heater();
    write(h, 2, [{ enable: 2, week: 64, hour: 5, min: 30, mode: 4, param: 124 }]);
    runFor(h, 29 * 60);
    assert.equal(h.dhwOperationSetting, 3, 'nothing yet at 05:29');
    runFor(h, 2 * 60);
    assert.equal(h.dhwOperationSetting, 4, 'high demand at 05:30');
    assert.equal(setpoint(h), 124);
  });

  it('skips entries of other days, disabled entries and a program that is switched off', function () {
    const h = heater();
    write(h, 2, [
      { enable: 2, week: 32, hour: 5, min: 10, mode: 2, param: 110 }, // Tuesday only
      { enable: 1, week: 254, hour: 5, min: 20, mode: 4, param: 110 }, // stored, skipped
    ]);
    runFor(h, 30 * 60);
    assert.equal(h.dhwOperationSetting, 3);
    const off = heater();
    write(off, 1, [{ enable: 2, week: 254, hour: 5, min: 10, mode: 2, param: 110 }]);
    runFor(off, 30 * 60);
    assert.equal(off.dhwOperationSetting, 3, 'program off: no entry fires');
  });

  it('an entry powers a switched-off heater on in its mode; vacation skips entries', function () {
    const h = heater();
    assert.deepEqual(h.applyControl(CONTROL_COMMANDS['power-off'] ?? 0, 'power-off'), { ok: true });
    write(h, 2, [{ enable: 2, week: 254, hour: 5, min: 5, mode: 1, param: 100 }]);
    runFor(h, 10 * 60);
    assert.equal(h.dhwOperationSetting, 1);
    assert.equal(setpoint(h), 100);

    const away = heater();
    away.applyControl(CONTROL_COMMANDS['dhw-mode'] ?? 0, 'dhw-mode', [5, 7]);
    write(away, 2, [{ enable: 2, week: 254, hour: 5, min: 5, mode: 1, param: 100 }]);
    runFor(away, 10 * 60);
    assert.equal(away.dhwOperationSetting, 5, 'still on vacation');
  });

  it('answers a read in both forms, which decode to the same program; echoes writes', function () {
    const h = heater();
    const entries = [
      { enable: 2, week: 124, hour: 6, min: 30, mode: 4, param: 120 },
      { enable: 2, week: 130, hour: 8, min: 0, mode: 3, param: 110 },
      { enable: 1, week: 124, hour: 22, min: 0, mode: 1, param: 98 },
    ];
    write(h, 2, entries);
    assert.equal(reservationHex(programsOf(h).schedule), '027c061e047802820800036e017c16000162');
    const replies = answerProgramRequest(h, 'st/rsv/rd', { command: 16777222 });
    assert.deepEqual(
      replies?.map((r) => r.suffix),
      ['rsv/rd', 'rsv'],
    );
    const [json, hex] = replies ?? [];
    assert.ok(json && hex);
    assert.equal(typeof hex.response.reservation, 'string');
    assert.deepEqual(decodeSchedule(hex.response, 'F'), decodeSchedule(json.response, 'F'));
    assert.deepEqual(json.response.reservation, entries);
  });

  it('stores and echoes a TOU write; a write without a plan is not stored', function () {
    const h = heater();
    const period = {
      season: 4095,
      week: 254,
      startHour: 0,
      startMinute: 0,
      endHour: 23,
      endMinute: 59,
      priceMin: 12000,
      priceMax: 12000,
      decimalPoint: 5,
    };
    const replies = answerProgramRequest(h, 'ctrl/tou/rd', {
      command: 33554439,
      controllerSerialNumber: h.controllerSerialNumber,
      reservationUse: 2,
      reservation: [period],
    });
    assert.deepEqual(replies, [
      { suffix: 'tou/rd', response: { reservationUse: 2, reservation: [period] } },
    ]);
    assert.deepEqual(programsOf(h).tou.reservation, [period]);
    const empty = answerProgramRequest(h, 'ctrl/tou/rd', {
      command: 33554439,
      controllerSerialNumber: h.controllerSerialNumber,
    });
    assert.deepEqual(empty, []);
    assert.deepEqual(programsOf(h).tou.reservation, [period]);
  });
});
