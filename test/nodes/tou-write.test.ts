import assert from 'node:assert/strict';
import { programsOf, type Heater } from '../../src/simulator';
import touNode = require('../../src/navien-tou');
import { nodeHarness, type Msg, type WirePublish } from './harness';

interface TouOut {
  enabled: boolean;
  controllerId: string;
  ok?: boolean;
  seasons: {
    months: string[];
    periods: {
      days: string[];
      start: string;
      end: string;
      priceMin: number | null;
      priceMax: number | null;
    }[];
  }[];
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];

describe('navien-tou writes the plan (simulator)', function () {
  this.timeout(60_000);
  const h = nodeHarness({
    nodes: [touNode],
    simulator: { devices: 1 },
    // The echo wait is the account's device-answer timeout: 1.5 s for the "no echo" case.
    navienTimeouts: { deviceAnswerMs: 1500 },
  });
  let mac: string;
  let heater: Heater;
  let wire: WirePublish[];

  before(function () {
    ({ mac, heater } = h.first());
  });
  beforeEach(async function () {
    programsOf(heater).ignoreWrites = false;
    wire = h.wire();
    await h.load([
      { id: 'tou', type: 'navien-tou', account: 'acc', device: mac, wires: [['out']] },
    ]);
  });

  async function send(payload: unknown): Promise<Msg> {
    const msg = await h.send('tou', { payload });
    assert.ok(msg);
    return msg;
  }

  async function caught(payload: unknown): Promise<{ code: string; message: string }> {
    const msg = await h.send('tou', { payload }, 'caught');
    return msg.error as { code: string; message: string };
  }

  const writes = (): WirePublish[] =>
    wire.filter((w) => w.topic === `cmd/52/navilink-${mac}/ctrl/tou/rd`);

  const plan = {
    action: 'write',
    seasons: [
      {
        months: ['July', 'Aug', 9, 'October'],
        periods: [
          { days: 'weekdays', start: '00:00', end: '15:59', priceMin: 0.2187, priceMax: 0.2187 },
          { days: WEEKDAYS, start: '16:00', end: '20:59', priceMin: 0.41977, priceMax: 0.5 },
        ],
      },
      {
        months: [11, 12, 1, 2, 3, 4, 5, 6],
        periods: [
          { days: 'every day', start: '00:00', end: '23:59', priceMin: 0.19405, priceMax: 0.19405 },
        ],
      },
    ],
  };

  it('sends masks, integer prices and the controller serial; confirms by echo; emits the plan with ok', async function () {
    const msg = await send(plan);
    const [write] = writes();
    assert.ok(write, 'the write reached the broker');
    assert.equal(write.request.command, 33554439);
    assert.equal(write.responseTopic, `cmd/52/${write.clientID}/res/tou/rd`);
    assert.equal(write.request.controllerSerialNumber, heater.controllerSerialNumber);
    assert.equal(write.request.reservationUse, 2);
    const expected = [
      {
        season: 960,
        week: 124,
        startHour: 0,
        startMinute: 0,
        endHour: 15,
        endMinute: 59,
        priceMin: 21870,
        priceMax: 21870,
        decimalPoint: 5,
      },
      {
        season: 960,
        week: 124,
        startHour: 16,
        startMinute: 0,
        endHour: 20,
        endMinute: 59,
        priceMin: 41977,
        priceMax: 50000,
        decimalPoint: 5,
      },
      {
        season: 3135,
        week: 254,
        startHour: 0,
        startMinute: 0,
        endHour: 23,
        endMinute: 59,
        priceMin: 19405,
        priceMax: 19405,
        decimalPoint: 5,
      },
    ];
    assert.deepEqual(write.request.reservation, expected);
    assert.deepEqual(programsOf(heater).tou.reservation, expected);
    assert.equal(msg.topic, `navien/${mac}/tou`);
    const p = msg.payload as TouOut;
    assert.equal(p.ok, true);
    assert.equal(p.enabled, true);
    assert.equal(p.controllerId, heater.controllerSerialNumber);
    assert.deepEqual(p.seasons[0]?.months, ['July', 'August', 'September', 'October']);
    assert.deepEqual(p.seasons[0]?.periods[1], {
      days: WEEKDAYS,
      start: '16:00',
      end: '20:59',
      priceMin: 0.41977,
      priceMax: 0.5,
    });
    assert.equal(p.seasons[1]?.months.length, 8);
  });

  it('read → write round trip: the plan the node reads is accepted as it is', async function () {
    const read = (await send('')).payload as TouOut & { name: string };
    const msg = await send({ action: 'write', enabled: false, seasons: read.seasons });
    const p = msg.payload as TouOut;
    assert.equal(p.ok, true);
    assert.equal(p.enabled, false);
    assert.deepEqual(p.seasons, read.seasons);
    assert.equal(writes()[0]?.request.reservationUse, 1);
  });

  it('bad plans: NAVIEN_INVALID_INPUT naming the field, nothing published', async function () {
    await send(''); // caches the controller serial, as any first use does
    wire.length = 0;
    const period = { days: 'Mon', start: '00:00', end: '23:59', priceMin: 0.1, priceMax: 0.2 };
    const cases: [unknown, RegExp][] = [
      [{ action: 'write', seasons: [] }, /seasons/],
      [
        { action: 'write', seasons: [{ months: ['Smarch'], periods: [period] }] },
        /seasons\[0\]\.months/,
      ],
      [
        { action: 'write', seasons: [{ months: [1], periods: [{ ...period, days: 'Caturday' }] }] },
        /periods\[0\]\.days/,
      ],
      [
        { action: 'write', seasons: [{ months: [1], periods: [{ ...period, end: '25:00' }] }] },
        /periods\[0\]\.end/,
      ],
      [
        { action: 'write', seasons: [{ months: [1], periods: [{ ...period, priceMin: -1 }] }] },
        /priceMin/,
      ],
      [
        {
          action: 'write',
          seasons: [{ months: [1], periods: Array.from({ length: 17 }, () => period) }],
        },
        /at most 16/,
      ],
      [{ action: 'erase' }, /action/],
    ];
    for (const [payload, message] of cases) {
      const error = await caught(payload);
      assert.equal(error.code, 'NAVIEN_INVALID_INPUT', JSON.stringify(payload));
      assert.match(error.message, message);
    }
    assert.deepEqual(
      wire.map((w) => w.topic),
      [],
    );
  });

  it('no matching echo (none, or one of another plan): NAVIEN_TIMEOUT, plan unchanged', async function () {
    programsOf(heater).ignoreWrites = true;
    const before = structuredClone(programsOf(heater).tou);
    // Another writer's echo on the same reply topic must not count as ours.
    const stopEchoing = h.onPublish(({ topic, payload }) => {
      if (!topic.endsWith('/ctrl/tou/rd')) return;
      const env = JSON.parse(payload.toString('utf8')) as WirePublish;
      void h.sim.broker.publish(env.responseTopic, {
        response: { macAddress: mac, ...structuredClone(before) },
      });
    });
    const error = await caught(plan).finally(stopEchoing);
    assert.equal(error.code, 'NAVIEN_TIMEOUT');
    assert.match(error.message, /did not confirm the TOU plan/);
    assert.equal(writes().length, 1);
    assert.deepEqual(programsOf(heater).tou, before);
  });
});
