import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../../src/simulator/rest-server';
import devicesNode = require('../../src/navien-devices');
import deviceInfoNode = require('../../src/navien-device-info');
import firmwareNode = require('../../src/navien-firmware');
import touNode = require('../../src/navien-tou');
import { nodeHarness, waitFor, type FlowNode, type Msg } from './harness';

describe('REST nodes in a real Node-RED runtime', function () {
  const h = nodeHarness({
    nodes: [devicesNode, deviceInfoNode, firmwareNode, touNode],
    rest: { devices: 25 },
  });

  beforeEach(function () {
    h.rest.resetCounts();
    h.rest.setFault('*', null);
    h.rest.setFault('/device/list', null);
  });

  it('navien-devices lists every device across pages as flat, friendly objects and keeps msg properties', async function () {
    await h.load([{ id: 'n', type: 'navien-devices', account: 'acc', wires: [['out']] }]);
    const got = h.next('out');
    h.node('n').receive({ payload: 'go', keepMe: 42 });
    const [msg] = await got;
    const devices = msg.payload as Record<string, unknown>[];
    assert.equal(devices.length, 25, 'all 25 devices (pagination followed)');
    assert.equal(h.rest.counts['/device/list'], 2, 'two pages of at most 20');
    assert.equal(msg.topic, 'navien/devices');
    assert.equal(msg.keepMe, 42);
    const first = devices[0];
    assert.match(String(first.macAddress), /^[0-9a-f]{12}$/);
    assert.equal(typeof first.connected, 'boolean');
    for (const key of [
      'additionalValue',
      'deviceType',
      'deviceName',
      'homeSeq',
      'installType',
      'location',
    ]) {
      assert.ok(key in first, `device has ${key}`);
    }
  });

  it('navien-devices can send one message per device, ready to fan out into a device node', async function () {
    await h.load([
      { id: 'n', type: 'navien-devices', account: 'acc', split: true, wires: [['info']] },
      {
        id: 'info',
        type: 'navien-device-info',
        account: 'acc',
        device: '',
        wires: [['out']],
      },
    ]);
    const got = h.next('out', 25, 20_000);
    h.node('n').receive({ payload: 'go' });
    const msgs = await got;
    const macs = new Set(
      msgs.map((m) => (m.payload as { deviceInfo: { macAddress: string } }).deviceInfo.macAddress),
    );
    assert.equal(macs.size, 25, 'device info for each of the 25 devices');
    assert.ok(msgs.every((m) => String(m.topic).endsWith('/info')));
  });

  it('signs in exactly once for 50 concurrent requests from several nodes right after deploy', async function () {
    await h.load([
      { id: 'a', type: 'navien-devices', account: 'acc', wires: [['out']] },
      {
        id: 'b',
        type: 'navien-firmware',
        account: 'acc',
        device: h.rest.devices()[0].deviceInfo.macAddress,
        wires: [['out']],
      },
    ]);
    const got = h.next('out', 50, 20_000);
    for (let i = 0; i < 25; i++) {
      h.node('a').receive({ payload: i });
      h.node('b').receive({ payload: i });
    }
    await got;
    assert.equal(h.rest.counts.signIn, 1, 'one sign-in');
    assert.equal(h.rest.counts.refresh, 0);
  });

  it('serves repeated reads from the cache, says so, and reads fresh on msg.fresh', async function () {
    await h.load([{ id: 'n', type: 'navien-devices', account: 'acc', wires: [['out']] }]);
    const out = h.collect('out');
    const n = h.node('n');
    n.receive({ payload: 1 });
    await waitFor(() => out.length === 1);
    n.receive({ payload: 2 });
    await waitFor(() => out.length === 2);
    n.receive({ payload: 3, fresh: true });
    await waitFor(() => out.length === 3);
    assert.deepEqual(
      out.map((m) => m.fromCache),
      [false, true, false],
    );
    assert.equal(h.rest.counts['/device/list'], 4, '2 pages, then cache, then 2 pages again');
  });

  it('navien-device-info: the node setting wins over msg.device, with a warning', async function () {
    const [a, b] = h.rest.devices();
    await h.load([
      {
        id: 'n',
        type: 'navien-device-info',
        account: 'acc',
        device: a.deviceInfo.macAddress,
        wires: [['out']],
      },
    ]);
    const n = h.node('n');
    const warned = new Promise<unknown[]>((resolve) =>
      n.once('call:warn', (call: { args: unknown[] }) => resolve(call.args)),
    );
    const got = h.next('out');
    n.receive({ payload: 1, device: b.deviceInfo.macAddress });
    const [msg] = await got;
    const record = msg.payload as {
      deviceInfo: { macAddress: string; connected: unknown };
      location: object;
    };
    assert.equal(record.deviceInfo.macAddress, a.deviceInfo.macAddress);
    assert.equal(typeof record.deviceInfo.connected, 'boolean');
    assert.ok('location' in record && 'installer' in record && 'alarmInfo' in record);
    assert.equal(msg.topic, `navien/${a.deviceInfo.macAddress}/info`);
    assert.match(String((await warned)[0]), /node's setting wins/);
  });

  it('navien-firmware names each component beside its raw code', async function () {
    const mac = h.rest.devices()[0].deviceInfo.macAddress;
    await h.load([
      { id: 'n', type: 'navien-firmware', account: 'acc', device: '', wires: [['out']] },
    ]);
    const got = h.next('out');
    h.node('n').receive({ device: mac.toUpperCase().match(/../g)!.join(':') });
    const [msg] = await got;
    const parts = msg.payload as { component: string; code: number; currentVersion: number }[];
    assert.ok(parts.length >= 2);
    const controller = parts.find((p) => p.code === 1);
    assert.equal(controller?.component, 'controller');
    assert.equal(msg.topic, `navien/${mac}/firmware`);
  });

  it('navien-tou decodes the plan when the controller serial comes in msg.controllerId', async function () {
    const mac = h.rest.devices()[0].deviceInfo.macAddress;
    await h.load([{ id: 'n', type: 'navien-tou', account: 'acc', device: mac, wires: [['out']] }]);
    const got = h.next('out');
    h.node('n').receive({ controllerId: 'SERIAL-FROM-MSG' });
    const [msg] = await got;
    const plan = msg.payload as {
      seasons: {
        months: string[];
        periods: { days: string[]; start: string; priceMin: number }[];
      }[];
      raw: object;
    };
    assert.ok(plan.seasons.length > 0);
    const period = plan.seasons[0].periods[0];
    assert.ok(
      period.days.every((d) => /day$/.test(d)),
      'weekday names',
    );
    assert.match(period.start, /^\d\d:\d\d$/);
    assert.equal(typeof period.priceMin, 'number');
    assert.ok(plan.raw);
    const touCall = h.rest.requests.find((r) => r.path === '/device/tou');
    assert.equal(touCall?.query.controllerId, 'SERIAL-FROM-MSG');
  });

  it('navien-tou says what is missing when no controller serial can be had', async function () {
    const mac = h.rest.devices()[0].deviceInfo.macAddress;
    // Nothing listens on the account's MQTT port: wait 1 s for it instead of the default 20 s.
    h.settings({ mqttReadyMs: 1000 });
    await h.load([{ id: 'n', type: 'navien-tou', account: 'acc', device: mac, wires: [[]] }]);
    const touCalls = () => h.rest.requests.filter((r) => r.path === '/device/tou').length;
    const touCallsBefore = touCalls();
    const got = h.next('caught', 1, 15_000);
    h.node('n').receive({ payload: 1 });
    const [msg] = await got;
    const error = msg.error as { message: string; code: string };
    assert.equal(error.code, 'NAVIEN_MQTT_UNAVAILABLE');
    assert.match(error.message, /controller serial number/);
    assert.match(error.message, /within 1 s/);
    assert.match(error.message, /msg\.controllerId/);
    assert.equal(touCalls(), touCallsBefore, 'no TOU call without a serial');
  });

  for (const [label, device, code] of [
    ['a malformed MAC', 'not-a-mac', 'NAVIEN_INVALID_INPUT'],
    ['an unknown device', 'ffffffffffff', 'NAVIEN_DEVICE_NOT_FOUND'],
    ['a number', 12, 'NAVIEN_INVALID_INPUT'],
  ] as const) {
    it(`bad msg.device (${label}) reaches a Catch node with ${code} and a red badge; the flow keeps running`, async function () {
      await h.load([
        { id: 'n', type: 'navien-device-info', account: 'acc', device: '', wires: [['out']] },
      ]);
      const statuses = h.collect('statuses');
      const got = h.next('caught');
      h.node('n').receive({ payload: 1, device });
      const [msg] = await got;
      assert.equal((msg.error as { code: string }).code, code);
      assert.equal((msg.navienError as { code: string; retriable: boolean }).retriable, false);
      await waitFor(() => statuses.some((s) => (s.status as { fill: string }).fill === 'red'));
      // Still works afterwards.
      const ok = h.next('out');
      h.node('n').receive({ device: h.rest.devices()[1].deviceInfo.macAddress });
      await ok;
    });
  }

  it('an HTML error page from the cloud becomes a clear, catchable NAVIEN_API_ERROR', async function () {
    h.rest.setFault('/device/list', { status: 502, html: true });
    await h.load([{ id: 'n', type: 'navien-devices', account: 'acc', wires: [[]] }]);
    const got = h.next('caught', 1, 20_000);
    h.node('n').receive({ payload: 1 });
    const [msg] = await got;
    const error = msg.error as { code: string; message: string };
    assert.ok(['NAVIEN_API_ERROR', 'NAVIEN_NETWORK'].includes(error.code), error.code);
    assert.match(error.message, /HTML|502/);
    assert.doesNotMatch(error.message, /<html/i);
  }).timeout(30_000);

  it('a wrong password: red "sign-in failed" on every node, catchable error, and no second sign-in attempt', async function () {
    await h.load(
      [
        { id: 'a', type: 'navien-devices', account: 'acc', wires: [[]] },
        {
          id: 'b',
          type: 'navien-device-info',
          account: 'acc',
          device: 'a4c1382f09be',
          wires: [[]],
        },
      ],
      { credentials: { acc: { email: DEMO_EMAIL, password: 'wrong-password-123' } } },
    );
    const statuses = h.collect('statuses');
    const caught = h.collect('caught');
    for (let i = 0; i < 10; i++) {
      h.node('a').receive({ payload: i });
      h.node('b').receive({ payload: i });
    }
    await waitFor(() => caught.length === 20, { timeout: 10_000, what: '20 caught errors' });
    assert.ok(
      caught.every((m) => (m.error as { code: string }).code === 'NAVIEN_INVALID_CREDENTIALS'),
    );
    assert.equal(h.rest.counts.signIn, 1, 'one attempt, then backoff');
    await waitFor(() => {
      const red = statuses.filter((s) => (s.status as { text: string }).text === 'sign-in failed');
      const sources = new Set(red.map((s) => (s.status as { source: { id: string } }).source.id));
      return sources.has('a') && sources.has('b');
    });
    // Secret hygiene: the password appears in no message, status or log line.
    const everything = JSON.stringify([caught, statuses]) + JSON.stringify(h.log().args);
    assert.doesNotMatch(everything, /wrong-password-123/);
  });

  it('falls back to NAVIEN_EMAIL / NAVIEN_PASSWORD when the credentials are empty', async function () {
    process.env.NAVIEN_EMAIL = DEMO_EMAIL;
    process.env.NAVIEN_PASSWORD = DEMO_PASSWORD;
    try {
      await h.load([{ id: 'n', type: 'navien-devices', account: 'acc', wires: [['out']] }], {
        credentials: {},
      });
      const got = h.next('out');
      h.node('n').receive({ payload: 1 });
      const [msg] = await got;
      assert.equal((msg.payload as unknown[]).length, 25);
    } finally {
      delete process.env.NAVIEN_EMAIL;
      delete process.env.NAVIEN_PASSWORD;
    }
  });

  it('refuses plain http:// to a non-loopback host (the password would travel in clear)', async function () {
    await h.load([{ id: 'n', type: 'navien-devices', account: 'acc', wires: [[]] }], {
      account: { apiUrl: 'http://example.com/api/v2.1' },
    });
    const got = h.next('caught');
    h.node('n').receive({ payload: 1 });
    const [msg] = await got;
    assert.equal((msg.error as { code: string }).code, 'NAVIEN_NOT_CONFIGURED');
    assert.match(
      (msg.error as { message: string }).message,
      /only allowed for a simulator on this machine/,
    );
    assert.equal(h.rest.counts.total, 0);
  });

  it('keeps its tokens across a redeploy and a restart: no new sign-in, token file is private', async function () {
    const flowDef: FlowNode[] = [
      { id: 'n', type: 'navien-devices', account: 'acc', wires: [['out']] },
    ];
    await h.load(flowDef);
    let got = h.next('out');
    h.node('n').receive({ payload: 1 });
    await got;
    await h.unload();
    await h.load(flowDef);
    got = h.next('out');
    h.node('n').receive({ payload: 2, fresh: true });
    await got;
    assert.equal(h.rest.counts.signIn, 1, 'tokens reused from the user directory');
    const dir = join(h.userDir, '.navien');
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.equal(statSync(join(dir, files[0])).mode & 0o777, 0o600);
    assert.ok(!files[0].includes('demo'), 'the e-mail is not in the file name');
  });

  it('admin endpoint lists the deployed account devices for the editor dropdown', async function () {
    await h.load([]);
    const res = await h.request().get('/navien/accounts/acc/devices').expect(200);
    const list = res.body as { macAddress: string; deviceName: string }[];
    assert.equal(list.length, 25);
    assert.ok(list[0].deviceName);
    await h.request().get('/navien/accounts/nope/devices').expect(404);
    const asMsg: Msg = { payload: res.body };
    assert.doesNotMatch(JSON.stringify(asMsg), /demo-password/);
  });
});
