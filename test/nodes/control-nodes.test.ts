import assert from 'node:assert/strict';
import type { Heater } from '../../src/simulator';
import controlNode = require('../../src/navien-control');
import energyNode = require('../../src/navien-energy');
import featuresNode = require('../../src/navien-features');
import { nodeHarness, waitFor, type FlowNode, type Msg } from './harness';

interface ControlPayload {
  ok: boolean;
  command: { key: string; mode: string; param: number[] }[];
  requested: Record<string, unknown>;
  status: Record<string, unknown>;
}

describe('control, features and energy nodes against the simulator', function () {
  this.timeout(60_000);
  const h = nodeHarness({
    nodes: [controlNode, energyNode, featuresNode],
    simulator: { devices: 2 },
  });
  let mac: string;
  let heater: Heater;
  /** Every control command any client published, as the broker saw it. */
  let ctrl: { topic: string; command: number; mode: string; param: number[]; paramStr: unknown }[];

  before(function () {
    ({ mac, heater } = h.first());
  });
  beforeEach(function () {
    ctrl = [];
    h.onPublish(({ topic, payload }) => {
      if (!topic.endsWith('/ctrl')) return;
      const env = JSON.parse(payload.toString('utf8')) as {
        request: { command: number; mode: string; param: number[]; paramStr: unknown };
      };
      const { command, mode, param, paramStr } = env.request;
      ctrl.push({ topic, command, mode, param, paramStr });
    });
  });
  afterEach(async function () {
    heater.connected = true;
    await h.sim.broker.start();
  });

  function controlFlow(props: Record<string, unknown> = {}): FlowNode[] {
    return [
      {
        id: 'ctl',
        type: 'navien-control',
        account: 'acc',
        device: mac,
        units: 'F',
        command: '',
        timeout: 10,
        ...props,
        wires: [['out']],
      },
    ];
  }

  async function control(payload: unknown): Promise<ControlPayload> {
    return (await h.send('ctl', { payload })).payload as ControlPayload;
  }

  const caught = (payload: unknown): Promise<Msg> => h.send('ctl', { payload }, 'caught');

  function errorCode(msg: Msg): string {
    return (msg.error as { code?: string } | undefined)?.code ?? '';
  }

  const mqttOf = () => h.account().mqtt;

  it('navien-features emits the decoded record: serial, limits in °F, flags as booleans', async function () {
    await h.load([
      {
        id: 'f',
        type: 'navien-features',
        account: 'acc',
        device: mac,
        units: 'F',
        wires: [['out']],
      },
    ]);
    const msg = await h.send('f', { payload: '', keep: 1 });
    const p = msg?.payload as Record<string, unknown>;
    assert.equal(msg?.topic, `navien/${mac}/features`);
    assert.equal(msg?.keep, 1);
    assert.equal(p.controllerSerialNumber, heater.controllerSerialNumber);
    assert.equal(p.dhwTemperatureMin, 104.9);
    assert.equal(p.dhwTemperatureMax, 149.9);
    assert.equal(p.volumeName, '65 gal');
    assert.equal(p.powerUse, true);
    assert.equal(p.recirculationUse, false);
    assert.equal(p.temperatureControl, true);
    assert.deepEqual(p.supportedModes, [
      'heat-pump',
      'electric',
      'energy-saver',
      'high-demand',
      'vacation',
    ]);
    assert.deepEqual((p.firmware as { controller: unknown }).controller, {
      version: 201457920,
      code: 7,
    });
  });

  it('a heater the cloud lists as offline gives NAVIEN_DEVICE_OFFLINE (not a bare timeout) to Catch nodes', async function () {
    const offlineSim = await h.startSimulator({ devices: 1, offline: 1 });
    // The heater never answers: give it 1 s instead of the 30 s a real one gets.
    h.settings({ deviceAnswerMs: 1000 });
    const offlineMac = [...offlineSim.heaters.keys()][0];
    await h.load(
      [
        {
          id: 'f',
          type: 'navien-features',
          account: 'offacc',
          device: offlineMac,
          units: 'auto',
          wires: [[]],
        },
      ],
      { cloud: offlineSim, account: { id: 'offacc' } },
    );
    const msg = await h.send('f', { payload: 1 }, 'caught', 15_000);
    assert.equal((msg.error as { code: string }).code, 'NAVIEN_DEVICE_OFFLINE');
    assert.match((msg.error as { message: string }).message, /offline/);
    assert.equal((msg.navienError as { retriable: boolean }).retriable, true);
  });

  it('each command changes the simulated heater and is confirmed by a status that shows it', async function () {
    await h.load(controlFlow());
    let r = await control({ temperature: 125 });
    assert.equal(r.ok, true);
    assert.equal(heater.status().dhwTemperatureSetting, 103);
    assert.equal(r.status.dhwTemperatureSetting, 124.7);
    assert.deepEqual(r.requested, { temperature: 125 });
    assert.deepEqual(r.command, [
      { key: 'temperature', value: 125, mode: 'dhw-temperature', code: 33554464, param: [103] },
    ]);

    r = await control({ mode: 'electric' });
    assert.equal(heater.dhwOperationSetting, 2);
    assert.equal(r.status.dhwOperationSettingName, 'electric');

    r = await control({ power: false });
    assert.equal(heater.dhwOperationSetting, 6);
    assert.equal(r.status.dhwOperationSetting, 6);
    r = await control({ power: true });
    assert.equal(heater.dhwOperationSetting, 2);
    assert.equal(r.status.dhwOperationSetting, 2);

    r = await control({ vacation: 3 });
    assert.equal(heater.dhwOperationSetting, 5);
    assert.equal(r.status.vacationDaySetting, 3);
    r = await control({ mode: 'energy-saver' });
    assert.equal(heater.dhwOperationSetting, 3);
    assert.equal(r.status.vacationDaySetting, 3, 'the vacation length stays a setting');

    r = await control({ antiLegionella: false });
    assert.equal(heater.status().antiLegionellaUse, 1);
    assert.equal(r.status.antiLegionellaUse, false);
    r = await control({ antiLegionella: 10 });
    assert.equal(heater.status().antiLegionellaUse, 2);
    assert.equal(r.status.antiLegionellaPeriod, 10);

    r = await control({ tou: true });
    assert.equal(heater.status().touStatus, 1);
    assert.equal(r.status.touStatus, true);
    await control({ tou: false });
    assert.equal(heater.status().touStatus, 0);

    await control({ demandResponse: true });
    assert.equal(heater.status().drEventStatus, 1);
    await control({ demandResponse: false });
    assert.equal(heater.status().drEventStatus, 0);

    r = await control({ airFilterReset: true });
    assert.equal(heater.status().airFilterAlarmElapsed, 0);
    assert.equal(r.status.airFilterAlarmElapsed, 0);

    await control({ intelligent: true });
    assert.equal(heater.intelligentMode, true);
    await control({ intelligent: false });
    assert.equal(heater.intelligentMode, false);

    const statuses = h.collect('statuses');
    await control({ mode: 'heat-pump' });
    await waitFor(() =>
      statuses.some((s) => (s.status as { text?: string }).text === 'mode heat-pump ✓'),
    );
  });

  it('vacationDays and airFilterLife go out as goout-day and air-filter-life, confirmed by the fields they set', async function () {
    await h.load(controlFlow());
    await control({ mode: 'energy-saver' });
    ctrl.length = 0;
    let r = await control({ vacationDays: 12 });
    assert.equal(r.ok, true);
    assert.equal(r.status.vacationDaySetting, 12);
    assert.equal(r.status.dhwOperationSettingName, 'energy-saver', 'no switch into vacation');
    assert.equal(heater.dhwOperationSetting, 3);
    r = await control({ airFilterLife: 3000 });
    assert.equal(r.status.airFilterAlarmPeriod, 3000);
    r = await control({ airFilterLife: 0 });
    assert.equal(heater.status().airFilterAlarmPeriod, 0);
    assert.equal(r.status.airFilterAlarmUse, false);
    const topic = `cmd/52/navilink-${mac}/ctrl`;
    assert.deepEqual(ctrl, [
      { topic, command: 33554466, mode: 'goout-day', param: [12], paramStr: '' },
      { topic, command: 33554474, mode: 'air-filter-life', param: [6], paramStr: '' },
      { topic, command: 33554474, mode: 'air-filter-life', param: [0], paramStr: '' },
    ]);
  });

  it('queueTime "0" (as the editor stores it) sends at once while connected and fails at once while offline', async function () {
    await h.load([
      ...controlFlow({ queueTime: '0' }),
      { ...controlFlow()[0], id: 'ctl2', wires: [['out']] },
    ]);
    // Another node on the same heater is confirmed at once; so must this one be.
    await h.send('ctl2', { payload: { temperature: 120 } });
    const r = await control({ temperature: 130 });
    assert.equal(r.ok, true);
    assert.equal(heater.status().dhwTemperatureSetting, 109);
    const mqtt = mqttOf();
    await h.sim.broker.stop();
    await waitFor(() => mqtt.state !== 'connected', { timeout: 5000, what: 'disconnect seen' });
    ctrl.length = 0;
    const started = Date.now();
    const msg = await caught({ temperature: 140 });
    assert.equal(errorCode(msg), 'NAVIEN_MQTT_UNAVAILABLE');
    assert.ok(Date.now() - started < 1000, 'refused at once while offline');
    await h.sim.broker.start();
    await waitFor(() => mqtt.state === 'connected', { timeout: 20_000, what: 'reconnect' });
    assert.deepEqual(ctrl, [], 'the refused command was never sent');
  });

  it('runs several keys of one message in order, false included, and uses the default command for an empty payload', async function () {
    await h.load(controlFlow({ command: '{"mode":"high-demand"}' }));
    const r = await control({ power: false, mode: 'heat-pump', temperature: 130, tou: false });
    assert.equal(r.ok, true);
    assert.deepEqual(
      ctrl.map((c) => c.mode),
      ['power-off', 'dhw-mode', 'dhw-temperature', 'tou-off'],
    );
    assert.deepEqual(
      r.command.map((c) => c.key),
      ['power', 'mode', 'temperature', 'tou'],
    );
    assert.equal(heater.dhwOperationSetting, 1);
    assert.equal(heater.status().dhwTemperatureSetting, 109);
    const byDefault = await control('');
    assert.deepEqual(byDefault.requested, { mode: 'high-demand' });
    assert.equal(heater.dhwOperationSetting, 4);
  });

  it('validation refuses bad or unsupported values with nothing published', async function () {
    await h.load(controlFlow());
    // Warm up: one good command caches the feature record and opens the connection.
    await control({ temperature: 120 });
    ctrl.length = 0;
    const cases: [unknown, string, string][] = [
      [{ power: true, temperature: 160 }, 'NAVIEN_INVALID_INPUT', '105–150 °F'],
      [{ mode: 'heat-pump', vacation: 0 }, 'NAVIEN_INVALID_INPUT', 'vacation'],
      [{ temperature: 0 }, 'NAVIEN_INVALID_INPUT', 'temperature 0 °F'],
      [{ power: true, recirculation: 'always' }, 'NAVIEN_UNSUPPORTED', 'recirculationUse'],
      [{ hotButton: true }, 'NAVIEN_UNSUPPORTED', 'recirculationUse'],
      [{ power: 1 }, 'NAVIEN_INVALID_INPUT', 'power'],
      [{ setpoint: 120 }, 'NAVIEN_INVALID_INPUT', 'setpoint'],
      [{ freezeProtection: 45 }, 'NAVIEN_UNSUPPORTED', 'vendor app never sends'],
      [{ power: false, freezeProtection: 45 }, 'NAVIEN_UNSUPPORTED', 'Nothing was sent'],
      [{ vacationDays: 31 }, 'NAVIEN_INVALID_INPUT', 'vacationDays'],
      [{ airFilterLife: 1200 }, 'NAVIEN_INVALID_INPUT', 'steps of 500'],
      ['not json', 'NAVIEN_INVALID_INPUT', 'object'],
    ];
    for (const [payload, code, text] of cases) {
      const msg = await caught(payload);
      assert.equal(errorCode(msg), code, JSON.stringify(payload));
      assert.ok(
        String((msg.error as { message: string }).message).includes(text),
        String((msg.error as { message: string }).message),
      );
    }
    assert.equal(heater.status().dhwTemperatureSetting, 98);
    // A valid command on the same connection afterwards: publishes arrive in order, so once it
    // is confirmed, any stray publish from the bad inputs would have reached /ctrl before it.
    const ok = await control({ temperature: 120 });
    assert.equal(ok.ok, true);
    assert.deepEqual(
      ctrl.map((c) => c.mode),
      ['dhw-temperature'],
      'only the valid command reached /ctrl',
    );
  });

  it('a heater that never confirms gives a catchable NAVIEN_TIMEOUT and a red "not confirmed" badge', async function () {
    await h.load(controlFlow({ timeout: 1 }));
    await control({ temperature: 120 });
    heater.connected = false;
    const statuses = h.collect('statuses');
    const started = Date.now();
    const msg = await caught({ temperature: 130 });
    assert.equal(errorCode(msg), 'NAVIEN_TIMEOUT');
    assert.match(
      String((msg.error as { message: string }).message),
      /did not confirm 130°F within 1 s/,
    );
    assert.ok(Date.now() - started < 5000);
    await waitFor(() =>
      statuses.some((s) => {
        const st = s.status as { fill?: string; text?: string };
        return st.fill === 'red' && st.text === 'not confirmed';
      }),
    );
  });

  it('queues a command while the broker is down and delivers it after the reconnect', async function () {
    await h.load(controlFlow());
    await control({ temperature: 120 });
    const mqtt = mqttOf();
    await h.sim.broker.stop();
    await waitFor(() => mqtt.state !== 'connected', { timeout: 5000, what: 'disconnect seen' });
    ctrl.length = 0;
    const got = h.next('out', 1, 30_000);
    h.node('ctl').receive({ payload: { temperature: 130, mode: 'heat-pump' } });
    await h.sim.broker.start();
    const [msg] = await got;
    const p = msg.payload as ControlPayload;
    assert.equal(p.ok, true);
    assert.deepEqual(
      ctrl.map((c) => c.mode),
      ['dhw-temperature', 'dhw-mode'],
      'sent in order after the reconnect',
    );
    assert.equal(heater.status().dhwTemperatureSetting, 109);
    assert.equal(heater.dhwOperationSetting, 1);
  });

  it('drops a command older than the queue limit with an error and never replays it', async function () {
    await h.load(controlFlow({ queueTime: 1 }));
    await control({ temperature: 120 });
    const mqtt = mqttOf();
    await h.sim.broker.stop();
    await waitFor(() => mqtt.state !== 'connected', { timeout: 5000, what: 'disconnect seen' });
    ctrl.length = 0;
    const started = Date.now();
    const msg = await caught({ temperature: 140 });
    assert.equal(errorCode(msg), 'NAVIEN_MQTT_UNAVAILABLE');
    assert.match(String((msg.error as { message: string }).message), /never replayed/);
    assert.ok(Date.now() - started < 4000, 'dropped after about 1 s');
    await h.sim.broker.start();
    await waitFor(() => mqtt.state === 'connected', { timeout: 20_000, what: 'reconnect' });
    // A queued command would go out first after the reconnect; a new one shows the path works.
    const ok = await control({ temperature: 120 });
    assert.equal(ok.ok, true);
    assert.deepEqual(
      ctrl.map((c) => c.mode),
      ['dhw-temperature'],
      'the dropped command was not sent after the reconnect',
    );
    assert.equal(heater.status().dhwTemperatureSetting, 98);
  });

  it("navien-energy decodes a month to the totals of the heater's own history", async function () {
    await h.load([
      { id: 'e', type: 'navien-energy', account: 'acc', device: mac, wires: [['out']] },
    ]);
    // Last month: the simulator's invented history, stable while the test runs.
    const d = new Date();
    d.setDate(1);
    d.setMonth(d.getMonth() - 1);
    const year = d.getFullYear();
    const month = d.getMonth() + 1;
    const truth = heater.energyUsage(year, [month]);
    const days = truth.usage[0]?.data ?? [];
    const sum = (k: 'hpUsage' | 'heUsage' | 'hpTime' | 'heTime') =>
      days.reduce((a, x) => a + x[k], 0);
    const msg = await h.send('e', { payload: { year, month } });
    assert.equal(msg?.topic, `navien/${mac}/energy`);
    const p = msg?.payload as {
      year: number;
      months: {
        month: number;
        days: { day: number; heatPumpWh: number; totalWh: number }[];
        totals: Record<string, number>;
      }[];
      totals: Record<string, number | null>;
    };
    assert.equal(p.year, year);
    assert.equal(p.months[0]?.month, month);
    assert.equal(p.months[0]?.days.length, new Date(year, month, 0).getDate());
    assert.equal(p.months[0]?.days[4]?.day, 5);
    assert.equal(p.months[0]?.days[4]?.heatPumpWh, days[4]?.hpUsage);
    const total = sum('hpUsage') + sum('heUsage');
    assert.equal(p.totals.heatPumpWh, sum('hpUsage'));
    assert.equal(p.totals.elementWh, sum('heUsage'));
    assert.equal(p.totals.heatPumpHours, sum('hpTime'));
    assert.equal(p.totals.elementHours, sum('heTime'));
    assert.equal(p.totals.totalWh, total);
    assert.ok(total > 0, 'the invented history is not empty');
    assert.equal(p.totals.heatPumpShare, Math.round((1000 * sum('hpUsage')) / total) / 10);
    assert.equal(p.months[0]?.totals.totalWh, total);
  });

  it('navien-energy refuses a bad month before asking the heater', async function () {
    await h.load([
      { id: 'e', type: 'navien-energy', account: 'acc', device: mac, wires: [['out']] },
    ]);
    const msg = await h.send('e', { payload: { year: 2026, month: 13 } }, 'caught', 10_000);
    assert.equal(errorCode(msg), 'NAVIEN_INVALID_INPUT');
  });
});
