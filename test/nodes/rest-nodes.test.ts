import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RestServer,
  startRestServer,
  DEMO_EMAIL,
  DEMO_PASSWORD,
} from '../../src/simulator/rest-server';
import devicesNode = require('../../src/navien-devices');
import deviceInfoNode = require('../../src/navien-device-info');
import firmwareNode = require('../../src/navien-firmware');
import touNode = require('../../src/navien-tou');
import {
  TAB,
  accountConfig,
  accountModule,
  catchNodes,
  collect,
  helper,
  initRuntime,
  withCatalog,
  startRuntime,
  stopRuntime,
  type FlowNode,
  nextMessages,
  waitFor,
  type Msg,
  useSettings,
} from './flow-helpers';

const NODES = [
  accountModule,
  ...[devicesNode, deviceInfoNode, firmwareNode, touNode].map(withCatalog),
];
const CREDS = { acc: { email: DEMO_EMAIL, password: DEMO_PASSWORD } };

describe('REST nodes in a real Node-RED runtime', function () {
  let server: RestServer;
  let userDir: string;

  before(async function () {
    initRuntime();
    server = await startRestServer({ devices: 25 });
  });
  after(async function () {
    await server.close();
  });
  beforeEach(async function () {
    userDir = mkdtempSync(join(tmpdir(), 'navien-nodes-'));
    helper.settings({ userDir });
    server.resetCounts();
    server.setFault('*', null);
    server.setFault('/device/list', null);
    await startRuntime();
  });
  afterEach(async function () {
    await stopRuntime();
    rmSync(userDir, { recursive: true, force: true });
  });

  function flow(extra: FlowNode[]): FlowNode[] {
    return [...catchNodes, { ...accountConfig(server.url) }, ...extra];
  }

  it('navien-devices lists every device across pages as flat, friendly objects and keeps msg properties', async function () {
    await helper.load(
      NODES,
      flow([
        { id: 'n', type: 'navien-devices', z: TAB, account: 'acc', wires: [['out']] },
        { id: 'out', type: 'helper', z: TAB },
      ]),
      CREDS,
    );
    const got = nextMessages(helper.getNode('out'));
    helper.getNode('n').receive({ payload: 'go', keepMe: 42 });
    const [msg] = await got;
    const devices = msg.payload as Record<string, unknown>[];
    assert.equal(devices.length, 25, 'all 25 devices (pagination followed)');
    assert.equal(server.counts['/device/list'], 2, 'two pages of at most 20');
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
    await helper.load(
      NODES,
      flow([
        { id: 'n', type: 'navien-devices', z: TAB, account: 'acc', split: true, wires: [['info']] },
        {
          id: 'info',
          type: 'navien-device-info',
          z: TAB,
          account: 'acc',
          device: '',
          wires: [['out']],
        },
        { id: 'out', type: 'helper', z: TAB },
      ]),
      CREDS,
    );
    const got = nextMessages(helper.getNode('out'), 25, 20_000);
    helper.getNode('n').receive({ payload: 'go' });
    const msgs = await got;
    const macs = new Set(
      msgs.map((m) => (m.payload as { deviceInfo: { macAddress: string } }).deviceInfo.macAddress),
    );
    assert.equal(macs.size, 25, 'device info for each of the 25 devices');
    assert.ok(msgs.every((m) => String(m.topic).endsWith('/info')));
  });

  it('signs in exactly once for 50 concurrent requests from several nodes right after deploy', async function () {
    await helper.load(
      NODES,
      flow([
        { id: 'a', type: 'navien-devices', z: TAB, account: 'acc', wires: [['out']] },
        {
          id: 'b',
          type: 'navien-firmware',
          z: TAB,
          account: 'acc',
          device: server.devices()[0].deviceInfo.macAddress,
          wires: [['out']],
        },
        { id: 'out', type: 'helper', z: TAB },
      ]),
      CREDS,
    );
    const got = nextMessages(helper.getNode('out'), 50, 20_000);
    for (let i = 0; i < 25; i++) {
      helper.getNode('a').receive({ payload: i });
      helper.getNode('b').receive({ payload: i });
    }
    await got;
    assert.equal(server.counts.signIn, 1, 'one sign-in');
    assert.equal(server.counts.refresh, 0);
  });

  it('serves repeated reads from the cache, says so, and reads fresh on msg.fresh', async function () {
    await helper.load(
      NODES,
      flow([
        { id: 'n', type: 'navien-devices', z: TAB, account: 'acc', wires: [['out']] },
        { id: 'out', type: 'helper', z: TAB },
      ]),
      CREDS,
    );
    const out = collect(helper.getNode('out'));
    const n = helper.getNode('n');
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
    assert.equal(server.counts['/device/list'], 4, '2 pages, then cache, then 2 pages again');
  });

  it('navien-device-info: the node setting wins over msg.device, with a warning', async function () {
    const [a, b] = server.devices();
    await helper.load(
      NODES,
      flow([
        {
          id: 'n',
          type: 'navien-device-info',
          z: TAB,
          account: 'acc',
          device: a.deviceInfo.macAddress,
          wires: [['out']],
        },
        { id: 'out', type: 'helper', z: TAB },
      ]),
      CREDS,
    );
    const n = helper.getNode('n');
    const warned = new Promise<unknown[]>((resolve) =>
      n.once('call:warn', (call: { args: unknown[] }) => resolve(call.args)),
    );
    const got = nextMessages(helper.getNode('out'));
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
    const mac = server.devices()[0].deviceInfo.macAddress;
    await helper.load(
      NODES,
      flow([
        { id: 'n', type: 'navien-firmware', z: TAB, account: 'acc', device: '', wires: [['out']] },
        { id: 'out', type: 'helper', z: TAB },
      ]),
      CREDS,
    );
    const got = nextMessages(helper.getNode('out'));
    helper.getNode('n').receive({ device: mac.toUpperCase().match(/../g)!.join(':') });
    const [msg] = await got;
    const parts = msg.payload as { component: string; code: number; currentVersion: number }[];
    assert.ok(parts.length >= 2);
    const controller = parts.find((p) => p.code === 1);
    assert.equal(controller?.component, 'controller');
    assert.equal(msg.topic, `navien/${mac}/firmware`);
  });

  it('navien-tou decodes the plan when the controller serial comes in msg.controllerId', async function () {
    const mac = server.devices()[0].deviceInfo.macAddress;
    await helper.load(
      NODES,
      flow([
        { id: 'n', type: 'navien-tou', z: TAB, account: 'acc', device: mac, wires: [['out']] },
        { id: 'out', type: 'helper', z: TAB },
      ]),
      CREDS,
    );
    const got = nextMessages(helper.getNode('out'));
    helper.getNode('n').receive({ controllerId: 'SERIAL-FROM-MSG' });
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
    const touCall = server.requests.find((r) => r.path === '/device/tou');
    assert.equal(touCall?.query.controllerId, 'SERIAL-FROM-MSG');
  });

  it('navien-tou says what is missing when no controller serial can be had', async function () {
    const mac = server.devices()[0].deviceInfo.macAddress;
    // Nothing listens on the account's MQTT port: wait 1 s for it instead of the default 20 s.
    useSettings({ userDir, navienTimeouts: { mqttReadyMs: 1000 } });
    await helper.load(
      NODES,
      flow([{ id: 'n', type: 'navien-tou', z: TAB, account: 'acc', device: mac, wires: [[]] }]),
      CREDS,
    );
    const touCalls = () => server.requests.filter((r) => r.path === '/device/tou').length;
    const touCallsBefore = touCalls();
    const got = nextMessages(helper.getNode('caught'), 1, 15_000);
    helper.getNode('n').receive({ payload: 1 });
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
      await helper.load(
        NODES,
        flow([
          {
            id: 'n',
            type: 'navien-device-info',
            z: TAB,
            account: 'acc',
            device: '',
            wires: [['out']],
          },
          { id: 'out', type: 'helper', z: TAB },
        ]),
        CREDS,
      );
      const statuses = collect(helper.getNode('statuses'));
      const got = nextMessages(helper.getNode('caught'));
      helper.getNode('n').receive({ payload: 1, device });
      const [msg] = await got;
      assert.equal((msg.error as { code: string }).code, code);
      assert.equal((msg.navienError as { code: string; retriable: boolean }).retriable, false);
      await waitFor(() => statuses.some((s) => (s.status as { fill: string }).fill === 'red'));
      // Still works afterwards.
      const ok = nextMessages(helper.getNode('out'));
      helper.getNode('n').receive({ device: server.devices()[1].deviceInfo.macAddress });
      await ok;
    });
  }

  it('an HTML error page from the cloud becomes a clear, catchable NAVIEN_API_ERROR', async function () {
    server.setFault('/device/list', { status: 502, html: true });
    await helper.load(
      NODES,
      flow([{ id: 'n', type: 'navien-devices', z: TAB, account: 'acc', wires: [[]] }]),
      CREDS,
    );
    const got = nextMessages(helper.getNode('caught'), 1, 20_000);
    helper.getNode('n').receive({ payload: 1 });
    const [msg] = await got;
    const error = msg.error as { code: string; message: string };
    assert.ok(['NAVIEN_API_ERROR', 'NAVIEN_NETWORK'].includes(error.code), error.code);
    assert.match(error.message, /HTML|502/);
    assert.doesNotMatch(error.message, /<html/i);
  }).timeout(30_000);

  it('a wrong password: red "sign-in failed" on every node, catchable error, and no second sign-in attempt', async function () {
    await helper.load(
      NODES,
      flow([
        { id: 'a', type: 'navien-devices', z: TAB, account: 'acc', wires: [[]] },
        {
          id: 'b',
          type: 'navien-device-info',
          z: TAB,
          account: 'acc',
          device: 'a4c1382f09be',
          wires: [[]],
        },
      ]),
      { acc: { email: DEMO_EMAIL, password: 'wrong-password-123' } },
    );
    const statuses = collect(helper.getNode('statuses'));
    const caught = collect(helper.getNode('caught'));
    for (let i = 0; i < 10; i++) {
      helper.getNode('a').receive({ payload: i });
      helper.getNode('b').receive({ payload: i });
    }
    await waitFor(() => caught.length === 20, { timeout: 10_000, what: '20 caught errors' });
    assert.ok(
      caught.every((m) => (m.error as { code: string }).code === 'NAVIEN_INVALID_CREDENTIALS'),
    );
    assert.equal(server.counts.signIn, 1, 'one attempt, then backoff');
    await waitFor(() => {
      const red = statuses.filter((s) => (s.status as { text: string }).text === 'sign-in failed');
      const sources = new Set(red.map((s) => (s.status as { source: { id: string } }).source.id));
      return sources.has('a') && sources.has('b');
    });
    // Secret hygiene: the password appears in no message, status or log line.
    const everything = JSON.stringify([caught, statuses]) + JSON.stringify(helper.log().args);
    assert.doesNotMatch(everything, /wrong-password-123/);
  });

  it('falls back to NAVIEN_EMAIL / NAVIEN_PASSWORD when the credentials are empty', async function () {
    process.env.NAVIEN_EMAIL = DEMO_EMAIL;
    process.env.NAVIEN_PASSWORD = DEMO_PASSWORD;
    try {
      await helper.load(
        NODES,
        flow([
          { id: 'n', type: 'navien-devices', z: TAB, account: 'acc', wires: [['out']] },
          { id: 'out', type: 'helper', z: TAB },
        ]),
        {},
      );
      const got = nextMessages(helper.getNode('out'));
      helper.getNode('n').receive({ payload: 1 });
      const [msg] = await got;
      assert.equal((msg.payload as unknown[]).length, 25);
    } finally {
      delete process.env.NAVIEN_EMAIL;
      delete process.env.NAVIEN_PASSWORD;
    }
  });

  it('refuses plain http:// to a non-loopback host (the password would travel in clear)', async function () {
    await helper.load(
      NODES,
      [
        ...catchNodes,
        accountConfig('http://example.com/api/v2.1'),
        { id: 'n', type: 'navien-devices', z: TAB, account: 'acc', wires: [[]] },
      ] as FlowNode[],
      CREDS,
    );
    const got = nextMessages(helper.getNode('caught'));
    helper.getNode('n').receive({ payload: 1 });
    const [msg] = await got;
    assert.equal((msg.error as { code: string }).code, 'NAVIEN_NOT_CONFIGURED');
    assert.match(
      (msg.error as { message: string }).message,
      /only allowed for a simulator on this machine/,
    );
    assert.equal(server.counts.total, 0);
  });

  it('keeps its tokens across a redeploy and a restart: no new sign-in, token file is private', async function () {
    const flowDef = flow([
      { id: 'n', type: 'navien-devices', z: TAB, account: 'acc', wires: [['out']] },
      { id: 'out', type: 'helper', z: TAB },
    ]);
    await helper.load(NODES, flowDef, CREDS);
    let got = nextMessages(helper.getNode('out'));
    helper.getNode('n').receive({ payload: 1 });
    await got;
    await helper.unload();
    await helper.load(NODES, flowDef, CREDS);
    got = nextMessages(helper.getNode('out'));
    helper.getNode('n').receive({ payload: 2, fresh: true });
    await got;
    assert.equal(server.counts.signIn, 1, 'tokens reused from the user directory');
    const dir = join(userDir, '.navien');
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.equal(statSync(join(dir, files[0])).mode & 0o777, 0o600);
    assert.ok(!files[0].includes('demo'), 'the e-mail is not in the file name');
  });

  it('admin endpoint lists the deployed account devices for the editor dropdown', async function () {
    await helper.load(NODES, flow([]), CREDS);
    const res = await helper.request().get('/navien/accounts/acc/devices').expect(200);
    const list = res.body as { macAddress: string; deviceName: string }[];
    assert.equal(list.length, 25);
    assert.ok(list[0].deviceName);
    await helper.request().get('/navien/accounts/nope/devices').expect(404);
    const asMsg: Msg = { payload: res.body };
    assert.doesNotMatch(JSON.stringify(asMsg), /demo-password/);
  });
});
