import assert from 'node:assert/strict';
import { NavienError } from '../../src/navien/errors';
import { parseClock, parseDays, parseMonths } from '../../src/navien/program/fields';
import {
  decodeReservationHex,
  decodeSchedule,
  readRawSchedule,
  sameSchedule,
  scheduleHash,
  type RawScheduleProgram,
} from '../../src/navien/program/schedule';
import {
  parseScheduleEntries,
  parseScheduleWrite,
  scheduleWriteFields,
  type ScheduleInputContext,
} from '../../src/navien/program/schedule-input';
import {
  addScheduleEntry,
  removeScheduleEntry,
  setScheduleEnabled,
  updateScheduleEntry,
} from '../../src/navien/program/schedule-edit';
import { ProgramCommand, ProgramTopics } from '../../src/navien/protocol/programs';
import { protocolSample, sampleRequest, sampleResponse } from '../support/protocol-samples';

// Samples come from NAVIEN-PROTOCOL.md §9.1 (read where they live).

const FEATURE = {
  temperatureType: 2,
  dhwTemperatureMin: 81,
  dhwTemperatureMax: 131,
  heatpumpUse: 2,
  electricUse: 2,
  energySaverUse: 2,
  highDemandUse: 2,
  holidayUse: 2,
  powerUse: 2,
};
const F: ScheduleInputContext = { unit: 'F', feature: FEATURE };
const C: ScheduleInputContext = { unit: 'C', feature: FEATURE };

/** The test's own conversion: half-°C → °F, one decimal. */
function halfCToF(param: number): number {
  return Math.round((((param / 2) * 9) / 5) * 10 + 320) / 10;
}

function expectInvalid(fn: () => unknown, path: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof NavienError, `NavienError, got ${String(err)}`);
    assert.equal(err.code, 'NAVIEN_INVALID_INPUT');
    assert.ok(err.message.startsWith(`${path} `), `message names ${path}: ${err.message}`);
    return true;
  });
}

const READ_JSON = () => sampleResponse('#### 9.1.2 ');
const READ_HEX = () => sampleResponse('#### 9.1.3 ');
const WRITE = () => sampleRequest('#### 9.1.4 ');
const ECHO = () => sampleResponse('#### 9.1.5 ');

describe('weekly program codec (§9.1)', function () {
  describe('command codes and topics', function () {
    it('match the read and write samples', function () {
      const read = protocolSample('#### 9.1.1 ');
      assert.equal((read.request as { command: number }).command, ProgramCommand.RESERVATION_READ);
      assert.ok(String(read.requestTopic).endsWith(`/${ProgramTopics.reservationRead.request}`));
      assert.ok(String(read.responseTopic).endsWith(`/res/${ProgramTopics.reservationRead.reply}`));
      const write = protocolSample('#### 9.1.4 ');
      assert.equal(WRITE().command, ProgramCommand.RESERVATION_WRITE);
      assert.ok(String(write.requestTopic).endsWith(`/${ProgramTopics.reservationWrite.request}`));
    });
  });

  describe('decoding the read answer', function () {
    it('decodes the JSON form into the contract shape (°F computed here)', function () {
      const raw = READ_JSON().reservation as { param: number }[];
      const program = decodeSchedule(READ_JSON(), 'F');
      assert.equal(program.enabled, true);
      assert.deepEqual(program.entries, [
        {
          enabled: true,
          days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
          time: '06:30',
          mode: 'high-demand',
          temperature: halfCToF(raw[0].param),
        },
        {
          enabled: true,
          days: ['Saturday', 'Sunday'],
          time: '08:00',
          mode: 'energy-saver',
          temperature: halfCToF(raw[1].param),
        },
        {
          enabled: false,
          days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
          time: '22:00',
          mode: 'heat-pump',
          temperature: halfCToF(raw[2].param),
        },
      ]);
      assert.deepEqual(
        program.entries.map((e) => e.temperature),
        [140, 131, 120.2],
      );
      assert.match(program.hash, /^[0-9a-f]{12}$/);
    });

    it('gives °C as half the raw value', function () {
      const program = decodeSchedule(READ_JSON(), 'C');
      assert.deepEqual(
        program.entries.map((e) => e.temperature),
        [60, 55, 49],
      );
    });

    it('decodes the hex form to the same program and hash', function () {
      assert.deepEqual(decodeSchedule(READ_HEX(), 'F'), decodeSchedule(READ_JSON(), 'F'));
    });

    it('reads hex records byte by byte, skips all-zero padding and ignores a short tail', function () {
      assert.deepEqual(decodeReservationHex('027c061e0478'), [
        { enable: 2, week: 0x7c, hour: 6, min: 0x1e, mode: 4, param: 0x78 },
      ]);
      const padded = `${String(READ_HEX().reservation)}000000000000000000000000abc`;
      assert.deepEqual(
        readRawSchedule({ reservationUse: 2, reservation: padded }),
        readRawSchedule(READ_JSON()),
      );
      assert.deepEqual(decodeReservationHex(''), []);
      assert.throws(() => decodeReservationHex('zz7c061e0478'), { code: 'NAVIEN_API_ERROR' });
    });

    it('treats a missing list as empty and reservationUse 1 as off', function () {
      const program = decodeSchedule({ reservationUse: 1 }, 'F');
      assert.equal(program.enabled, false);
      assert.deepEqual(program.entries, []);
    });

    it('shows no temperature for vacation and power-off entries, and null for an unknown mode', function () {
      const program = decodeSchedule(
        {
          reservationUse: 2,
          reservation: [
            { enable: 2, week: 254, hour: 0, min: 0, mode: 5, param: 0 },
            { enable: 2, week: 254, hour: 1, min: 0, mode: 6, param: 0 },
            { enable: 2, week: 254, hour: 2, min: 0, mode: 9, param: 0 },
          ],
        },
        'F',
      );
      assert.deepEqual(
        program.entries.map((e) => [e.mode, e.temperature]),
        [
          ['vacation', null],
          ['power-off', null],
          [null, null],
        ],
      );
    });
  });

  describe('hash and set comparison', function () {
    it('is equal whatever the entry order, and differs when anything changes', function () {
      const written = readRawSchedule(WRITE());
      const echo = readRawSchedule(ECHO());
      assert.notDeepEqual(written.reservation, echo.reservation, 'the echo is reordered');
      assert.ok(sameSchedule(written, echo));
      assert.equal(scheduleHash(written), scheduleHash(echo));
      assert.equal(decodeSchedule(WRITE(), 'C').hash, decodeSchedule(ECHO(), 'F').hash);

      const read = readRawSchedule(READ_JSON());
      assert.ok(!sameSchedule(written, read), 'the 08:00 → 07:30 move is a difference');
      assert.notEqual(scheduleHash(written), scheduleHash(read));
      assert.notEqual(scheduleHash(read), scheduleHash(setScheduleEnabled(read, false)));
      const warmer = readRawSchedule(READ_JSON());
      warmer.reservation[0].param += 1;
      assert.notEqual(scheduleHash(read), scheduleHash(warmer));
    });

    it('ignores the unused parameter of vacation entries', function () {
      const entry = { enable: 2, week: 254, hour: 5, min: 0, mode: 5 };
      const a: RawScheduleProgram = { reservationUse: 2, reservation: [{ ...entry, param: 0 }] };
      const b: RawScheduleProgram = { reservationUse: 2, reservation: [{ ...entry, param: 77 }] };
      assert.ok(sameSchedule(a, b));
    });
  });

  describe('user input → wire entries', function () {
    it('encodes the §9.1.4 write from user entries in °F', function () {
      const program = parseScheduleWrite(
        {
          entries: [
            { days: 'weekdays', time: '06:30', mode: 'high-demand', temperature: 140 },
            { days: ['Sat', 'Sun'], time: '07:30', mode: 'energy-saver', temperature: 131 },
            {
              enabled: false,
              days: 'weekdays',
              time: '22:00',
              mode: 'heat-pump',
              temperature: 120.2,
            },
          ],
        },
        F,
      );
      const request = WRITE();
      assert.deepEqual(scheduleWriteFields(program), {
        reservationUse: request.reservationUse,
        reservation: request.reservation,
      });
      assert.deepEqual(Object.keys(program.reservation[0]), [
        'enable',
        'week',
        'hour',
        'min',
        'mode',
        'param',
      ]);
    });

    it('encodes °C set-points as half degrees', function () {
      const [a, b] = parseScheduleEntries(
        [
          { days: 'Monday', time: '0:05', mode: 'heat-pump', temperature: 60 },
          { days: 'Monday', time: '23:59', mode: 'electric', temperature: 40.5 },
        ],
        C,
      );
      assert.equal(a.param, 120);
      assert.equal(a.param, 0b1111000);
      assert.equal(b.param, 81);
      assert.deepEqual([a.hour, a.min, b.hour, b.min], [0, 5, 23, 59]);
    });

    it('sets week-mask bits Sun 128, Mon 64 … Sat 2 and never bit 0', function () {
      const bits: [string, number][] = [
        ['Monday', 0b01000000],
        ['Tuesday', 0b00100000],
        ['Wednesday', 0b00010000],
        ['Thursday', 0b00001000],
        ['Friday', 0b00000100],
        ['Saturday', 0b00000010],
        ['Sunday', 0b10000000],
      ];
      for (const [day, bit] of bits) {
        assert.equal(parseDays(day, 'd'), bit, day);
        assert.equal(parseDays(day.slice(0, 3).toUpperCase(), 'd'), bit, day);
      }
      assert.equal(parseDays('weekdays', 'd'), 0b01111100);
      assert.equal(parseDays('weekend', 'd'), 0b10000010);
      assert.equal(parseDays('Every Day', 'd'), 0b11111110);
      assert.equal(parseDays(['weekend', 'Mon', 'Monday'], 'd'), 0b11000010);
      assert.equal(parseMonths(['Jan', 6, 'December'], 'm'), 0b100000100001);
      assert.deepEqual(parseClock('07:05', 't'), { hour: 7, minute: 5 });
    });

    it('program switch: on unless enabled is false', function () {
      const entries = [{ days: 'Mon', time: '06:00', mode: 'vacation' }];
      assert.equal(parseScheduleWrite({ entries }, F).reservationUse, 2);
      assert.equal(parseScheduleWrite({ entries, enabled: false }, F).reservationUse, 1);
      assert.equal(parseScheduleWrite({ entries }, F).reservation[0].param, 0);
    });

    it('names the entry and field of every mistake', function () {
      const ok = { days: 'Mon', time: '06:00', mode: 'heat-pump', temperature: 120 };
      const one = (patch: Record<string, unknown>) => () =>
        parseScheduleWrite({ entries: [ok, { ...ok, ...patch }] }, F);
      expectInvalid(() => parseScheduleWrite({ entries: 'all' }, F), 'entries');
      expectInvalid(
        () => parseScheduleWrite({ entries: Array.from({ length: 17 }, () => ok) }, F),
        'entries',
      );
      assert.equal(
        parseScheduleWrite(
          { entries: Array.from({ length: 17 }, () => ok) },
          { ...F, maxEntries: 32 },
        ).reservation.length,
        17,
      );
      expectInvalid(() => parseScheduleWrite({ entries: [ok, 'x'] }, F), 'entries[1]');
      expectInvalid(one({ days: undefined }), 'entries[1].days');
      expectInvalid(one({ days: 'Funday' }), 'entries[1].days');
      expectInvalid(one({ days: [] }), 'entries[1].days');
      expectInvalid(one({ days: ['Mon', 3] }), 'entries[1].days');
      expectInvalid(one({ time: undefined }), 'entries[1].time');
      expectInvalid(one({ time: '24:00' }), 'entries[1].time');
      expectInvalid(one({ time: '06:60' }), 'entries[1].time');
      expectInvalid(one({ time: 'noon' }), 'entries[1].time');
      expectInvalid(one({ time: 630 }), 'entries[1].time');
      expectInvalid(one({ mode: undefined }), 'entries[1].mode');
      expectInvalid(one({ mode: 'turbo' }), 'entries[1].mode');
      expectInvalid(one({ temperature: undefined }), 'entries[1].temperature');
      expectInvalid(one({ temperature: '120' }), 'entries[1].temperature');
      expectInvalid(one({ temperature: 151 }), 'entries[1].temperature');
      expectInvalid(one({ temperature: 104 }), 'entries[1].temperature');
      expectInvalid(one({ mode: 'vacation', temperature: 120 }), 'entries[1].temperature');
      expectInvalid(one({ enabled: 'yes' }), 'entries[1].enabled');
      expectInvalid(() => parseScheduleWrite({ entries: [ok], enabled: 1 }, F), 'enabled');
      expectInvalid(
        () => parseScheduleEntries([ok], { unit: 'C', feature: FEATURE }),
        'entries[0].temperature',
      );
      expectInvalid(
        () => parseScheduleEntries([ok], { ...F, feature: { ...FEATURE, heatpumpUse: 1 } }),
        'entries[0].mode',
      );
    });

    it('accepts the heater limits themselves in both units', function () {
      const at = (unit: 'C' | 'F', temperature: number) =>
        parseScheduleEntries([{ days: 'Mon', time: '06:00', mode: 'heat-pump', temperature }], {
          unit,
          feature: FEATURE,
        })[0].param;
      assert.equal(at('F', 105), 81);
      assert.equal(at('F', 150), 131);
      assert.equal(at('C', 65.5), 131);
    });

    it('refuses set-points when the feature record has no limits', function () {
      assert.throws(
        () =>
          parseScheduleEntries(
            [{ days: 'Mon', time: '06:00', mode: 'heat-pump', temperature: 120 }],
            {
              unit: 'F',
              feature: {},
            },
          ),
        { code: 'NAVIEN_UNSUPPORTED' },
      );
    });
  });

  describe('single-entry edits', function () {
    it('update of one field rebuilds the §9.1.4 write and leaves the rest alone', function () {
      const read = readRawSchedule(READ_JSON());
      const before = JSON.stringify(read);
      const next = updateScheduleEntry(read, 1, { time: '07:30' }, F);
      assert.deepEqual(scheduleWriteFields(next), {
        reservationUse: WRITE().reservationUse,
        reservation: WRITE().reservation,
      });
      assert.equal(JSON.stringify(read), before, 'the program read is not changed');
    });

    it('update keeps the set-point unless the mode changes', function () {
      const read = readRawSchedule(READ_JSON());
      assert.equal(updateScheduleEntry(read, 0, { days: 'Mon' }, F).reservation[0].param, 120);
      assert.equal(updateScheduleEntry(read, 0, { mode: 'vacation' }, F).reservation[0].param, 0);
      const vacation = updateScheduleEntry(read, 0, { mode: 'vacation' }, F);
      expectInvalid(
        () => updateScheduleEntry(vacation, 0, { mode: 'heat-pump' }, F),
        'entry.temperature',
      );
      assert.equal(updateScheduleEntry(read, 2, { enabled: true }, F).reservation[2].enable, 2);
    });

    it('add appends, remove drops one, enable/disable keep the entries', function () {
      const read = readRawSchedule(READ_JSON());
      const added = addScheduleEntry(
        read,
        { days: 'every day', time: '05:00', mode: 'high-demand', temperature: 130 },
        F,
      );
      assert.equal(added.reservation.length, 4);
      assert.deepEqual(added.reservation.slice(0, 3), read.reservation);
      assert.deepEqual(added.reservation[3], {
        enable: 2,
        week: 254,
        hour: 5,
        min: 0,
        mode: 4,
        param: Math.round((((130 - 32) * 5) / 9) * 2),
      });
      const removed = removeScheduleEntry(read, 1);
      assert.deepEqual(removed.reservation, [read.reservation[0], read.reservation[2]]);
      const off = setScheduleEnabled(read, false);
      assert.equal(off.reservationUse, 1);
      assert.deepEqual(off.reservation, read.reservation);
      assert.equal(setScheduleEnabled(off, true).reservationUse, 2);
    });

    it('refuses a bad index and a 17th entry', function () {
      const read = readRawSchedule(READ_JSON());
      expectInvalid(() => removeScheduleEntry(read, 3), 'index');
      expectInvalid(() => removeScheduleEntry(read, -1), 'index');
      expectInvalid(() => updateScheduleEntry(read, '1', {}, F), 'index');
      expectInvalid(() => removeScheduleEntry({ reservationUse: 2, reservation: [] }, 0), 'index');
      const full: RawScheduleProgram = {
        reservationUse: 2,
        reservation: Array.from({ length: 16 }, () => ({ ...read.reservation[0] })),
      };
      expectInvalid(
        () => addScheduleEntry(full, { days: 'Mon', time: '06:00', mode: 'vacation' }, F),
        'entries',
      );
      expectInvalid(() => addScheduleEntry(read, { days: 'Mon' }, F), 'entry.time');
    });
  });
});
