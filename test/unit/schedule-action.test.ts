import assert from 'node:assert/strict';
import {
  parseScheduleAction,
  runScheduleAction,
  type ScheduleHeater,
} from '../../src/navien/program/schedule-action';
import type { RawScheduleProgram } from '../../src/navien/program/schedule';
import { rejection } from '../support/wait';

const FEATURE = { dhwTemperatureMin: 81, dhwTemperatureMax: 131, temperatureType: 2 };

/** A heater in memory that counts what the runner asks of it. */
function fakeHeater(program: RawScheduleProgram) {
  const calls: string[] = [];
  const heater: ScheduleHeater = {
    feature: () => Promise.resolve(FEATURE),
    read: () => {
      calls.push('read');
      return Promise.resolve(structuredClone(program));
    },
    write: (next) => {
      calls.push('write');
      program = structuredClone(next);
      return Promise.resolve(next);
    },
  };
  return { heater, calls, held: () => program };
}

const entry = { enable: 2, week: 64, hour: 6, min: 0, mode: 1, param: 100 };

describe('navien-schedule actions', function () {
  it('reads for an empty payload, an inject timestamp or {action: "read"}', function () {
    for (const payload of [undefined, '', 1767225600000, {}, { action: 'read' }]) {
      assert.deepEqual(parseScheduleAction(payload), { action: 'read' }, JSON.stringify(payload));
    }
  });

  it('refuses entries without an action, unknown actions and bad indexes', function () {
    for (const payload of [
      { entries: [] },
      { action: 'clear' },
      { action: 'remove', index: 1.5 },
      { action: 'update', index: '2', entry: {} },
    ]) {
      assert.throws(
        () => parseScheduleAction(payload),
        (err: Error & { code?: string }) => err.code === 'NAVIEN_INVALID_INPUT',
      );
    }
  });

  it('read: no ok; the auto unit follows the heater (°F here)', async function () {
    const { heater, calls } = fakeHeater({ reservationUse: 2, reservation: [entry] });
    const out = await runScheduleAction({ action: 'read' }, heater, 'auto');
    assert.deepEqual(calls, ['read']);
    assert.equal(out.ok, undefined);
    assert.deepEqual(out.units, { temperature: '°F' });
    assert.equal(out.entries[0]?.temperature, 122);
  });

  it('add on a full program is refused after the read, before any write', async function () {
    const full = { reservationUse: 2, reservation: Array.from({ length: 16 }, () => entry) };
    const { heater, calls } = fakeHeater(full);
    const error = await rejection(
      runScheduleAction(
        {
          action: 'add',
          entry: { days: 'Mon', time: '07:00', mode: 'heat-pump', temperature: 120 },
        },
        heater,
        'F',
      ),
    );
    assert.equal(error.code, 'NAVIEN_INVALID_INPUT');
    assert.match(error.message, /at most 16/);
    assert.deepEqual(calls, ['read']);
  });

  it('a bad update entry is refused before the program is read', async function () {
    const { heater, calls } = fakeHeater({ reservationUse: 2, reservation: [entry] });
    const error = await rejection(
      runScheduleAction({ action: 'update', index: 0, entry: { days: 'Someday' } }, heater, 'F'),
    );
    assert.match(error.message, /entry\.days/);
    assert.deepEqual(calls, []);
  });

  it('update of an index past the end: read, nothing written', async function () {
    const { heater, calls, held } = fakeHeater({ reservationUse: 2, reservation: [entry] });
    const error = await rejection(
      runScheduleAction({ action: 'update', index: 3, entry: { time: '05:00' } }, heater, 'F'),
    );
    assert.match(error.message, /index must be an entry number from 0 to 0/);
    assert.deepEqual(calls, ['read']);
    assert.deepEqual(held().reservation, [entry]);
  });
});
