import assert from 'node:assert/strict';
import { programsOf, type Heater } from '../../src/simulator';
import scheduleNode = require('../../src/navien-schedule');
import { nodeHarness, type Msg, type WirePublish } from './harness';

interface ScheduleOut {
  enabled: boolean;
  entries: {
    enabled: boolean;
    days: string[];
    time: string;
    mode: string;
    temperature: number | null;
  }[];
  hash: string;
  units: { temperature: string };
  ok?: boolean;
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];

describe('navien-schedule against the simulator', function () {
  this.timeout(60_000);
  const h = nodeHarness({ nodes: [scheduleNode], simulator: { devices: 1 } });
  let mac: string;
  let heater: Heater;
  /** Every publish any client made, as the broker saw it. */
  let wire: WirePublish[];

  before(function () {
    ({ mac, heater } = h.first());
  });
  beforeEach(function () {
    const held = programsOf(heater);
    held.ignoreWrites = false;
    held.schedule = {
      reservationUse: 2,
      reservation: [
        { enable: 2, week: 124, hour: 6, min: 30, mode: 4, param: 120 },
        { enable: 2, week: 130, hour: 8, min: 0, mode: 3, param: 110 },
        { enable: 1, week: 124, hour: 22, min: 0, mode: 1, param: 98 },
      ],
    };
    wire = h.wire();
  });

  async function load(props: Record<string, unknown> = {}): Promise<void> {
    await h.load([
      {
        id: 'sch',
        type: 'navien-schedule',
        account: 'acc',
        device: mac,
        units: 'F',
        timeout: '10',
        ...props,
        wires: [['out']],
      },
    ]);
  }

  async function send(payload: unknown): Promise<Msg> {
    const msg = await h.send('sch', { payload });
    assert.ok(msg);
    return msg;
  }

  async function caught(payload: unknown): Promise<{ code: string; message: string }> {
    const msg = await h.send('sch', { payload }, 'caught');
    return msg.error as { code: string; message: string };
  }

  function sent(suffix: string): WirePublish[] {
    return wire.filter((w) => w.topic === `cmd/52/navilink-${mac}/${suffix}`);
  }

  it('reads the program: wire request, then days, times, modes and °F set-points', async function () {
    await load();
    const msg = await send('');
    const [read] = sent('st/rsv/rd');
    assert.ok(read, 'a read request reached the broker');
    assert.equal(read.request.command, 16777222);
    assert.equal(read.responseTopic, `cmd/52/${read.clientID}/res/rsv/rd`);
    assert.equal(read.request.macAddress, mac);
    assert.equal(read.request.mode, undefined, 'queries carry no mode/param (§9.0)');
    assert.equal(msg.topic, `navien/${mac}/schedule`);
    const p = msg.payload as ScheduleOut;
    assert.equal(p.enabled, true);
    assert.equal(p.ok, undefined);
    assert.deepEqual(p.units, { temperature: '°F' });
    assert.deepEqual(p.entries, [
      { enabled: true, days: WEEKDAYS, time: '06:30', mode: 'high-demand', temperature: 140 },
      {
        enabled: true,
        days: ['Saturday', 'Sunday'],
        time: '08:00',
        mode: 'energy-saver',
        temperature: 131,
      },
      { enabled: false, days: WEEKDAYS, time: '22:00', mode: 'heat-pump', temperature: 120.2 },
    ]);
    assert.match(p.hash, /^[0-9a-f]{12}$/);
  });

  it('writes a whole program (masks, half-°C) and confirms it; the heater holds it', async function () {
    await load();
    const entries = [
      { days: 'weekdays', time: '05:45', mode: 'high-demand', temperature: 131 },
      { days: ['Sat', 'sunday'], time: '09:00', mode: 'heat-pump', temperature: 122 },
      { days: 'every day', time: '23:00', mode: 'energy-saver', temperature: 120, enabled: false },
      { days: ['Wed'], time: '12:00', mode: 'vacation' },
    ];
    const msg = await send({ action: 'write', entries });
    const [write] = sent('ctrl/rsv/rd');
    assert.ok(write, 'a write reached the broker');
    assert.equal(write.request.command, 16777226);
    assert.equal(write.responseTopic, `cmd/52/${write.clientID}/res/rsv/rd`);
    assert.equal(write.request.reservationUse, 2);
    const expected = [
      { enable: 2, week: 124, hour: 5, min: 45, mode: 4, param: 110 },
      { enable: 2, week: 130, hour: 9, min: 0, mode: 1, param: 100 },
      { enable: 1, week: 254, hour: 23, min: 0, mode: 3, param: 98 },
      { enable: 2, week: 16, hour: 12, min: 0, mode: 5, param: 0 },
    ];
    assert.deepEqual(write.request.reservation, expected);
    assert.deepEqual(programsOf(heater).schedule.reservation, expected);
    const p = msg.payload as ScheduleOut;
    assert.equal(p.ok, true);
    assert.equal(p.entries.length, 4);
    assert.deepEqual(p.entries[3], {
      enabled: true,
      days: ['Wednesday'],
      time: '12:00',
      mode: 'vacation',
      temperature: null,
    });
    // The same program in another order has the same hash.
    const again = await send({ action: 'write', entries: [...entries].reverse() });
    assert.equal((again.payload as ScheduleOut).hash, p.hash);
  });

  it('°C node: set-points are read and written in °C', async function () {
    await load({ units: 'C' });
    const read = (await send({ action: 'read' })).payload as ScheduleOut;
    assert.equal(read.entries[0]?.temperature, 60);
    assert.deepEqual(read.units, { temperature: '°C' });
    await send({
      action: 'write',
      entries: [{ days: 'Mon', time: '07:00', mode: 'electric', temperature: 52.5 }],
    });
    assert.equal(sent('ctrl/rsv/rd')[0]?.request.reservation instanceof Array, true);
    assert.deepEqual(programsOf(heater).schedule.reservation, [
      { enable: 2, week: 64, hour: 7, min: 0, mode: 2, param: 105 },
    ]);
  });

  it('add reads, appends and writes the whole list: the other entries stay', async function () {
    await load();
    const before = structuredClone(programsOf(heater).schedule.reservation);
    const msg = await send({
      action: 'add',
      entry: { days: 'weekdays', time: '05:00', mode: 'electric', temperature: 140 },
    });
    assert.equal(sent('st/rsv/rd').length, 1, 'read right before the write');
    const [write] = sent('ctrl/rsv/rd');
    assert.deepEqual(write?.request.reservation, [
      ...before,
      { enable: 2, week: 124, hour: 5, min: 0, mode: 2, param: 120 },
    ]);
    const p = msg.payload as ScheduleOut;
    assert.equal(p.ok, true);
    assert.equal(p.entries.length, 4);
  });

  it('two edits sent at once both land: edits of one heater run one after the other', async function () {
    await load();
    const got = h.next('out', 2, 20_000);
    for (const time of ['04:00', '04:30']) {
      h.node('sch').receive({
        payload: {
          action: 'add',
          entry: { days: 'Mon', time, mode: 'electric', temperature: 130 },
        },
      });
    }
    await got;
    assert.deepEqual(
      programsOf(heater)
        .schedule.reservation.slice(3)
        .map((e) => [e.hour, e.min]),
      [
        [4, 0],
        [4, 30],
      ],
    );
  });

  it('update changes only the named fields of one entry; remove drops one; others stay', async function () {
    await load();
    const [first, second, third] = programsOf(heater).schedule.reservation;
    await send({ action: 'update', index: 1, entry: { time: '07:15' } });
    assert.deepEqual(programsOf(heater).schedule.reservation, [
      first,
      { ...second, hour: 7, min: 15 },
      third,
    ]);
    await send({ action: 'update', index: 0, entry: { mode: 'heat-pump', temperature: 125 } });
    assert.deepEqual(programsOf(heater).schedule.reservation[0], {
      ...first,
      mode: 1,
      param: 103,
    });
    const msg = await send({ action: 'remove', index: 2 });
    assert.equal((msg.payload as ScheduleOut).entries.length, 2);
    assert.deepEqual(
      programsOf(heater).schedule.reservation.map((e) => [e.hour, e.min]),
      [
        [6, 30],
        [7, 15],
      ],
    );
  });

  it('disable and enable switch the program and keep its entries', async function () {
    await load();
    const entries = structuredClone(programsOf(heater).schedule.reservation);
    const off = (await send({ action: 'disable' })).payload as ScheduleOut;
    assert.equal(off.enabled, false);
    assert.equal(off.ok, true);
    const writes = sent('ctrl/rsv/rd');
    assert.equal(writes[0]?.request.reservationUse, 1);
    assert.deepEqual(writes[0]?.request.reservation, entries);
    assert.equal(programsOf(heater).schedule.reservationUse, 1);
    const on = (await send({ action: 'enable' })).payload as ScheduleOut;
    assert.equal(on.enabled, true);
    assert.equal(programsOf(heater).schedule.reservationUse, 2);
    assert.deepEqual(programsOf(heater).schedule.reservation, entries);
  });

  it('the simulated heater follows a program written by the node (its clock moved by the test)', async function () {
    await load();
    const at = new Date(heater.time + 2 * 60_000);
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][at.getDay()];
    const time = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
    await send({
      action: 'write',
      entries: [{ days: day, time, mode: 'electric', temperature: 125 }],
    });
    assert.notEqual(heater.dhwOperationSetting, 2);
    heater.tick(180); // three simulated minutes
    assert.equal(heater.dhwOperationSetting, 2, 'electric at the entry time');
    assert.equal(heater.status().dhwTemperatureSetting, 103, '125 °F in half-°C');
  });

  it('invalid input: NAVIEN_INVALID_INPUT naming entry and field, nothing published', async function () {
    await load();
    await send({}); // caches the feature record (limits), as any first use does
    wire.length = 0;
    const cases: [unknown, RegExp][] = [
      [
        {
          action: 'write',
          entries: [{ days: 'Funday', time: '06:00', mode: 'electric', temperature: 130 }],
        },
        /entries\[0\]\.days/,
      ],
      [
        {
          action: 'write',
          entries: [{ days: 'Mon', time: '24:00', mode: 'electric', temperature: 130 }],
        },
        /entries\[0\]\.time/,
      ],
      [
        {
          action: 'write',
          entries: [{ days: 'Mon', time: '06:00', mode: 'turbo', temperature: 130 }],
        },
        /entries\[0\]\.mode/,
      ],
      [
        {
          action: 'write',
          entries: [{ days: 'Mon', time: '06:00', mode: 'electric', temperature: 200 }],
        },
        /entries\[0\]\.temperature.*out of range/,
      ],
      [
        {
          action: 'write',
          entries: Array.from({ length: 17 }, () => ({
            days: 'Mon',
            time: '06:00',
            mode: 'heat-pump',
            temperature: 120,
          })),
        },
        /at most 16/,
      ],
      [
        { action: 'add', entry: { days: 'Mon', time: '6h', mode: 'electric', temperature: 130 } },
        /entry\.time/,
      ],
      [{ action: 'update', index: 0, entry: { temperature: 90 } }, /entry\.temperature/],
      [{ action: 'remove', index: -1 }, /index/],
      [{ action: 'rewrite' }, /action/],
    ];
    for (const [payload, message] of cases) {
      const error = await caught(payload);
      assert.equal(error.code, 'NAVIEN_INVALID_INPUT', JSON.stringify(payload));
      assert.match(error.message, message);
    }
    assert.deepEqual(
      wire.map((w) => w.topic),
      [],
      'nothing was published for bad input',
    );
  });

  it('a heater that drops the write: NAVIEN_TIMEOUT after the timeout, program unchanged', async function () {
    await load({ timeout: '1' });
    programsOf(heater).ignoreWrites = true;
    const before = structuredClone(programsOf(heater).schedule);
    const started = Date.now();
    const error = await caught({
      action: 'write',
      entries: [{ days: 'Mon', time: '06:00', mode: 'electric', temperature: 130 }],
    });
    assert.equal(error.code, 'NAVIEN_TIMEOUT');
    assert.match(error.message, /did not confirm the weekly program within 1 s/);
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(programsOf(heater).schedule, before);
    // No echo came, so it read the program back before giving up (§9.1).
    assert.equal(sent('ctrl/rsv/rd').length, 1);
    assert.equal(sent('st/rsv/rd').length, 1);
  });
});
