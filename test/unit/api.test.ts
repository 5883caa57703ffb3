import assert from 'node:assert/strict';
import { NavienApi } from '../../src/navien/api';
import { NavienHttp } from '../../src/navien/http';
import { NavienSession } from '../../src/navien/session';
import {
  DEMO_EMAIL,
  DEMO_PASSWORD,
  controllerSerialFor,
  generatedMac,
  startRestServer,
  type RestServer,
  type RestServerOptions,
} from '../../src/simulator/rest-server';
import { rejection } from '../support/wait';

describe('NavienApi', function () {
  let rest: RestServer;
  let session: NavienSession;
  let api: NavienApi;
  let clock: number;

  async function setup(opts: RestServerOptions = {}, cacheTtlMs?: number): Promise<void> {
    rest = await startRestServer(opts);
    clock = Date.UTC(2026, 0, 1);
    session = new NavienSession({
      http: new NavienHttp({ baseUrl: rest.url, maxAttempts: 1 }),
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
    });
    api = new NavienApi({
      session,
      email: DEMO_EMAIL,
      now: () => clock,
      ...(cacheTtlMs !== undefined ? { cacheTtlMs } : {}),
    });
  }

  afterEach(async function () {
    session?.close();
    await rest?.close();
  });

  it('follows pagination and returns every device (25 → 2 calls, 40 → 3 calls)', async function () {
    await setup({ devices: 25 });
    const first = await api.listDevices();
    assert.equal(first.value.length, 25);
    assert.equal(first.fromCache, false);
    assert.equal(rest.counts['/device/list'], 2);
    const offsets = rest.requests
      .filter((r) => r.path === '/device/list')
      .map((r) => (r.body as { offset: number; count: number; userId: string }).offset);
    assert.deepEqual(offsets, [0, 20]);
    assert.equal(new Set(first.value.map((d) => d.macAddress)).size, 25);

    rest.setDevices(40);
    const second = await api.listDevices({ fresh: true });
    assert.equal(second.value.length, 40);
    assert.equal(rest.counts['/device/list'], 5);
  });

  it('sends the e-mail as userId and flattens device entries', async function () {
    await setup({ devices: 2 });
    const { value } = await api.listDevices();
    const body = rest.requests.find((r) => r.path === '/device/list')?.body;
    assert.deepEqual(body, { offset: 0, count: 20, userId: DEMO_EMAIL });
    assert.deepEqual(value[0], {
      macAddress: generatedMac(0),
      additionalValue: '7781',
      deviceType: 52,
      deviceName: 'Water Heater 1',
      homeSeq: 40217,
      connected: true,
      installType: 'R',
      location: {
        state: 'Oregon',
        city: 'Bend',
        address: '18 Juniper Ln',
        latitude: 44.0582,
        longitude: -121.3153,
        altitude: null,
      },
      lastError: null,
    });
  });

  it('coalesces 10 identical concurrent calls into one request', async function () {
    await setup({ devices: 3 });
    rest.setFault('/device/list', { delayMs: 100, times: 1 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.listDevices()));
    assert.equal(rest.counts['/device/list'], 1);
    assert.equal(rest.counts.signIn, 1);
    assert.ok(answers.every((a) => a.value.length === 3));
    // Each caller gets its own copy.
    answers[0].value[0].deviceName = 'changed';
    assert.equal(answers[1].value[0].deviceName, 'Water Heater 1');
  });

  it('serves from the cache within the TTL, and `fresh` or the TTL bypasses it', async function () {
    await setup({ devices: 1 }, 60_000);
    const first = await api.listDevices();
    clock += 59_000;
    const cached = await api.listDevices();
    assert.equal(cached.fromCache, true);
    assert.equal(cached.fetchedAt, first.fetchedAt);
    assert.equal(rest.counts['/device/list'], 1);
    const fresh = await api.listDevices({ fresh: true });
    assert.equal(fresh.fromCache, false);
    assert.equal(rest.counts['/device/list'], 2);
    clock += 60_000;
    assert.equal((await api.listDevices()).fromCache, false);
    assert.equal(rest.counts['/device/list'], 3);
    api.invalidate();
    assert.equal((await api.listDevices()).fromCache, false);
    assert.equal(rest.counts['/device/list'], 4);
  });

  it('never caches an error', async function () {
    await setup();
    await session.getTokens();
    rest.setFault('/device/list', { status: 500, times: 1 });
    const err = await rejection(api.listDevices());
    assert.equal(err.code, 'NAVIEN_API_ERROR');
    const ok = await api.listDevices();
    assert.equal(ok.fromCache, false);
    assert.equal(ok.value.length, 1);
  });

  it('finds a device by MAC in any spelling, or names the MAC and the device count', async function () {
    await setup({ devices: 2 });
    const mac = generatedMac(1);
    const spelled = mac.toUpperCase().match(/../g)?.join(':') ?? mac;
    const found = await api.getDevice(spelled);
    assert.equal(found.value.deviceName, 'Water Heater 2');
    const err = await rejection(api.getDevice('00:11:22:33:44:55'));
    assert.equal(err.code, 'NAVIEN_DEVICE_NOT_FOUND');
    assert.match(err.message, /001122334455/);
    assert.match(err.message, /2 devices/);
    assert.equal((await rejection(api.getDevice('nope'))).code, 'NAVIEN_INVALID_INPUT');
  });

  it('reads device info with a boolean `connected`, cached per device', async function () {
    await setup({ devices: 2 });
    const device = (await api.listDevices()).value[0];
    const info = await api.deviceInfo(device);
    assert.equal(info.value.deviceInfo.connected, true);
    assert.equal(info.value.deviceInfo.macAddress, device.macAddress);
    assert.equal(typeof info.value.installer?.installerId, 'string');
    assert.deepEqual(info.value.alarmInfo, { isEtcAlarm: 1, isErrorAlarm: 1 });
    const body = rest.requests.find((r) => r.path === '/device/info')?.body;
    assert.deepEqual(body, {
      macAddress: device.macAddress,
      additionalValue: device.additionalValue,
      userId: DEMO_EMAIL,
    });
    assert.equal((await api.deviceInfo(device)).fromCache, true);
    const other = (await api.listDevices()).value[1];
    assert.equal((await api.deviceInfo(other)).fromCache, false);
    assert.equal(rest.counts['/device/info'], 2);
    const err = await rejection(
      api.deviceInfo({ macAddress: '001122334455', additionalValue: '1' }),
    );
    assert.equal(err.code, 'NAVIEN_API_ERROR');
    assert.equal(err.apiCode, 404);
  });

  it('names firmware components', async function () {
    await setup();
    const device = (await api.listDevices()).value[0];
    const { value } = await api.firmware(device);
    assert.deepEqual(
      value.map((c) => [c.component, c.updatePending]),
      [
        ['controller', false],
        ['panel', false],
        ['communication module (Wi-Fi)', true],
      ],
    );
    assert.equal((await api.firmware(device)).fromCache, true);
  });

  it('reads the TOU plan with the documented query and caches it for the TTL only', async function () {
    await setup({}, 1000);
    const device = (await api.listDevices()).value[0];
    const serial = controllerSerialFor(device.macAddress);
    const plan = await api.tou(device, serial);
    assert.equal(plan.value.controllerId, serial);
    assert.deepEqual(plan.value.seasons[0].months, ['July', 'August', 'September', 'October']);
    const query = rest.requests.find((r) => r.path === '/device/tou')?.query;
    assert.deepEqual(query, {
      additionalValue: device.additionalValue,
      controllerId: serial,
      macAddress: device.macAddress,
      userId: DEMO_EMAIL,
      userType: 'O',
    });
    assert.equal((await api.tou(device, serial)).fromCache, true);
    clock += 1000;
    assert.equal((await api.tou(device, serial)).fromCache, false);
    assert.equal((await rejection(api.tou(device, ' '))).code, 'NAVIEN_INVALID_INPUT');
  });
});
