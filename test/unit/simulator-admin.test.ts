import assert from 'node:assert/strict';
import { NavienAccount } from '../../src/navien/account';
import type { StatusUpdate } from '../../src/navien/status/stream';
import { startSimulator, type Simulator } from '../../src/simulator/index';
import { waitFor } from '../support/wait';

const STATUS_REQUEST = 16777219;

describe('simulator run-time hooks: errors and off line, on MQTT and in the REST list', function () {
  this.timeout(20_000);
  let sim: Simulator;
  let account: NavienAccount;
  let macs: string[];

  beforeEach(async () => {
    sim = await startSimulator({ devices: 2, speed: 0 });
    macs = [...sim.heaters.keys()];
    // cacheTtlMs 0: every listDevices() is a REST call, so it shows the list as it is now.
    account = new NavienAccount({
      email: sim.email,
      password: sim.password,
      apiUrl: sim.apiUrl,
      mqttUrl: sim.mqttUrl,
      cacheTtlMs: 0,
    });
  });
  afterEach(async () => {
    await account.close();
    await sim.close();
  });

  /** Follows one heater over the account's stream; `ask()` requests a status and counts answers. */
  async function follow(mac: string) {
    const got: StatusUpdate[] = [];
    const device = (await account.listDevices()).find((d) => d.macAddress === mac)!;
    const sub = account.subscribeStatus(device, {
      units: 'auto',
      intervalS: 0,
      onStatus: (u) => got.push(u),
    });
    await account.withMqtt(() => Promise.resolve());
    await waitFor(() => got.length >= 1, { what: 'the first status' });
    return {
      got,
      latest: () => got[got.length - 1].raw,
      request: () => sub.requestNow(),
      async ask(): Promise<void> {
        const before = got.length;
        await sub.requestNow();
        await waitFor(() => got.length > before, { what: 'an answer' });
      },
    };
  }

  const listed = async (mac: string) =>
    (await account.listDevices()).find((d) => d.macAddress === mac)!.connected;

  it('raiseError / clearError: the next status carries the code (799 trips the leak sensor)', async () => {
    const heater = await follow(macs[0]);
    assert.equal(heater.latest().errorCode, 0);
    const summary = sim.raiseError(macs[0], 799, 3);
    assert.deepEqual(summary, {
      macAddress: macs[0],
      deviceName: 'Water Heater 1',
      connected: true,
      errorCode: 799,
      subErrorCode: 3,
    });
    await heater.ask();
    assert.equal(heater.latest().errorCode, 799);
    assert.equal(heater.latest().subErrorCode, 3);
    assert.equal(heater.latest().wtrOvrSensorUse, 2, 'leak sensor tripped');
    sim.clearError(macs[0]);
    await heater.ask();
    assert.equal(heater.latest().errorCode, 0);
    assert.equal(heater.latest().wtrOvrSensorUse, 1);
    assert.throws(() => sim.raiseError(macs[0], 0), /code must be a whole number from 1 to 9999/);
    assert.throws(() => sim.raiseError('a4c138000000', 799), /No simulated heater/);
  });

  it('setOffline: silent on MQTT and listed as disconnected; setOnline brings both back', async () => {
    const heater = await follow(macs[0]);
    const other = await follow(macs[1]);
    const requests: string[] = [];
    const stop = sim.broker.onPublish((p) => {
      const body = JSON.parse(p.payload.toString()) as { request?: { command?: number } };
      if (body.request?.command === STATUS_REQUEST) requests.push(p.topic);
    });
    try {
      sim.setOffline(macs[0]);
      assert.equal(sim.heaters.get(macs[0])!.connected, false);
      assert.equal(await listed(macs[0]), false, 'REST list: connected 1');
      assert.equal(await listed(macs[1]), true, 'the other heater stays on line');
      const before = heater.got.length;
      const answeredBefore = sim.deviceHost.answered.get('st') ?? 0;
      await heater.request();
      await waitFor(() => requests.length === 1, { what: 'the request at the broker' });
      // The on-line heater, asked next, answers; the off-line one's answer would have come first
      // (heaters answer in order, after the same latency).
      await other.ask();
      assert.equal(heater.got.length, before, 'no answer from an off-line heater');
      assert.equal(sim.deviceHost.answered.get('st') ?? 0, answeredBefore + 1, 'only the other');

      sim.setOnline(macs[0]);
      assert.equal(await listed(macs[0]), true);
      await heater.ask();
      assert.equal(heater.got.length, before + 1);
    } finally {
      stop();
    }
  });

  it('admin HTTP API on the REST server: list, fault, offline; bad calls refused; never counted', async () => {
    assert.match(sim.adminUrl, /^http:\/\/127\.0\.0\.1:\d+\/sim$/);
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sim.adminUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined
          ? {}
          : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const countsBefore = sim.rest.counts.total;
    const logBefore = sim.rest.requests.length;

    const list = await call('GET', '/heaters');
    assert.equal(list.status, 200);
    assert.deepEqual(
      (list.body as unknown as { macAddress: string; connected: boolean }[]).map((h) => [
        h.macAddress,
        h.connected,
      ]),
      macs.map((m) => [m, true]),
    );

    const raised = await call('POST', `/heaters/${macs[1]}/fault`, { code: 515, sub: 25 });
    assert.deepEqual(
      [raised.status, raised.body.errorCode, raised.body.subErrorCode],
      [200, 515, 25],
    );
    assert.equal(sim.heaters.get(macs[1])!.status().errorCode, 515);
    const cleared = await call('DELETE', `/heaters/${macs[1]}/fault`);
    assert.deepEqual([cleared.status, cleared.body.errorCode], [200, 0]);

    // MACs are accepted as users type them, in capitals or with colons.
    const colons = macs[1].toUpperCase().replace(/(..)(?!$)/g, '$1:');
    const off = await call('POST', `/heaters/${colons}/offline`);
    assert.deepEqual([off.status, off.body.macAddress, off.body.connected], [200, macs[1], false]);
    assert.equal(await listed(macs[1]), false);
    assert.equal(sim.heaters.get(macs[1])!.connected, false);
    const on = await call('DELETE', `/heaters/${macs[1]}/offline`);
    assert.deepEqual([on.status, on.body.connected], [200, true]);
    assert.equal(await listed(macs[1]), true);

    assert.equal((await call('POST', '/heaters/a4c138000000/offline')).status, 404);
    assert.equal((await call('POST', `/heaters/${macs[0]}/fault`, { code: 'leak' })).status, 400);
    assert.equal((await call('POST', `/heaters/${macs[0]}/fault`, {})).status, 400);
    assert.equal(
      (await call('POST', `/heaters/${macs[0]}/fault`, { code: 96, sub: 1000 })).status,
      400,
    );
    assert.equal((await call('POST', `/heaters/${macs[0]}/fault`, '{not json')).status, 400);
    assert.equal((await call('PUT', `/heaters/${macs[0]}/offline`)).status, 405);
    assert.equal((await call('GET', '/nothing-here')).status, 404);
    assert.equal(sim.heaters.get(macs[0])!.status().errorCode, 0, 'refused calls change nothing');
    const apiCalls = sim.rest.requests.slice(logBefore).map((r) => r.path);
    assert.ok(apiCalls.length > 0 && apiCalls.every((p) => !p.startsWith('/sim')), apiCalls.join());
    assert.equal(
      sim.rest.counts.total - countsBefore,
      apiCalls.length,
      'admin calls are not counted',
    );
  });
});
