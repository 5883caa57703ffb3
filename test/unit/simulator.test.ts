import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { startSimulator, type Simulator } from '../../src/simulator/index';
import { parseArgs } from '../../src/simulator/options';
import { waitFor } from '../support/wait';

const CLIENT_ID = 'navien-client-sim0test';

interface Answer {
  topic: string;
  body: { response?: Record<string, unknown> } & Record<string, unknown>;
}

function envelope(mac: string, suffix: string, request: Record<string, unknown>) {
  const requestTopic = `cmd/52/navilink-${mac}/${suffix}`;
  return {
    topic: requestTopic,
    body: {
      clientID: CLIENT_ID,
      sessionID: '0f3c9d4e2b7a41c8a6e5d1b09c8f7a63',
      protocolVersion: 2,
      requestTopic,
      responseTopic: `cmd/52/navilink-${mac}/${CLIENT_ID}/res`,
      request: { deviceType: 52, macAddress: mac, additionalValue: '7781', ...request },
    },
  };
}

/** Resolves with the first message whose `response` has the key, rejecting after a while. */
function nextAnswer(client: MqttClient, key: string, timeoutMs = 5000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no answer with response.${key}`));
    }, timeoutMs);
    const onMessage = (topic: string, payload: Buffer): void => {
      const body = JSON.parse(payload.toString()) as Answer['body'];
      if (!body.response || !(key in body.response)) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve({ topic, body });
    };
    client.on('message', onMessage);
  });
}

describe('navien cloud simulator', function () {
  this.timeout(20_000);
  let sim: Simulator;
  let client: MqttClient | undefined;

  before(async () => {
    sim = await startSimulator({ devices: 2, speed: 1 });
  });
  afterEach(async () => {
    await client?.endAsync(true);
    client = undefined;
  });
  after(async () => {
    await sim.close();
  });

  it('binds to loopback and signs the demo user in over HTTP', async () => {
    assert.match(sim.apiUrl, /^http:\/\/127\.0\.0\.1:\d+\/api\/v2\.1$/);
    assert.match(sim.mqttUrl, /^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
    const res = await fetch(`${sim.apiUrl}/user/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: sim.email, password: sim.password }),
    });
    const body = (await res.json()) as { code: number; data: { token: { accessToken: string } } };
    assert.equal(body.code, 200);
    const list = await fetch(`${sim.apiUrl}/device/list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: body.data.token.accessToken },
      body: JSON.stringify({ offset: 0, count: 20, userId: sim.email }),
    });
    const devices = (await list.json()) as { data: { deviceInfo: { macAddress: string } }[] };
    assert.deepEqual(
      devices.data.map((d) => d.deviceInfo.macAddress),
      [...sim.heaters.keys()],
    );
  });

  it('answers status, feature, control and energy requests over MQTT', async () => {
    const mac = [...sim.heaters.keys()][0] ?? '';
    const c = await connectAsync(sim.mqttUrl, {
      clientId: CLIENT_ID,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 2000,
    });
    client = c;
    await c.subscribeAsync(`cmd/52/navilink-${mac}/#`, { qos: 1 });
    await c.subscribeAsync(`cmd/52/${CLIENT_ID}/res/#`, { qos: 1 });

    const status = envelope(mac, 'st', { command: 16777219 });
    const statusAnswer = nextAnswer(c, 'status');
    await c.publishAsync(status.topic, JSON.stringify(status.body), { qos: 1 });
    const st = await statusAnswer;
    assert.equal(st.topic, status.body.responseTopic);
    assert.equal(st.body.clientID, CLIENT_ID);
    const raw = st.body.response?.status as Record<string, number>;
    assert.equal(raw.dhwTemperatureSetting, 120);
    assert.ok(raw.tankUpperTemperature > 400);

    const feature = envelope(mac, 'st/did', { command: 16777217 });
    const featureAnswer = nextAnswer(c, 'feature');
    await c.publishAsync(feature.topic, JSON.stringify(feature.body), { qos: 1 });
    const fe = (await featureAnswer).body.response?.feature as Record<string, unknown>;
    assert.equal(fe.dhwTemperatureMax, 131);
    assert.equal(typeof fe.controllerSerialNumber, 'string');

    const control = envelope(mac, 'ctrl', {
      command: 33554464,
      mode: 'dhw-temperature',
      param: [109],
      paramStr: '',
    });
    const controlAnswer = nextAnswer(c, 'status');
    await c.publishAsync(control.topic, JSON.stringify(control.body), { qos: 1 });
    const after = (await controlAnswer).body.response?.status as Record<string, number>;
    assert.equal(after.dhwTemperatureSetting, 109);

    const energy = envelope(mac, 'st/energy-usage-daily-query/rd', {
      command: 16777225,
      year: 2026,
      month: [1, 2],
    });
    const energyAnswer = nextAnswer(c, 'typeOfUsage');
    await c.publishAsync(energy.topic, JSON.stringify(energy.body), { qos: 1 });
    const en = await energyAnswer;
    assert.equal(en.topic, `cmd/52/${CLIENT_ID}/res/energy-usage-daily-query/rd`);
    assert.equal((en.body.response?.usage as unknown[]).length, 2);
  });

  it('idle() resolves once every request it received is answered and published', async () => {
    const mac = [...sim.heaters.keys()][0] ?? '';
    client = await connectAsync(sim.mqttUrl, { clientId: CLIENT_ID, reconnectPeriod: 0 });
    await client.subscribeAsync(`cmd/52/navilink-${mac}/${CLIENT_ID}/res`, { qos: 1 });
    await sim.idle(); // nothing asked yet
    const answered = sim.deviceHost.answered.get('st') ?? 0;
    const got: string[] = [];
    client.on('message', (topic) => got.push(topic));
    const req = envelope(mac, 'st', { command: 16777219 });
    // QoS 1: the broker has the request (and the heater its timer) once the PUBACK is back.
    await client.publishAsync(req.topic, JSON.stringify(req.body), { qos: 1 });
    let idle = false;
    const settled = sim.idle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(idle, false, 'idle while the answer waits for its round-trip delay');
    await settled;
    assert.equal(sim.deviceHost.answered.get('st'), answered + 1);
    await waitFor(() => got.length === 1, { timeout: 5000, what: 'the answer at the client' });
  });

  it('keeps offline heaters silent while an online one answers the same request', async () => {
    const off = await startSimulator({ devices: 2, offline: 1 });
    try {
      const macs = [...off.heaters.keys()];
      const offline = macs.find((m) => !off.heaters.get(m)?.connected) ?? '';
      const online = macs.find((m) => off.heaters.get(m)?.connected) ?? '';
      assert.ok(offline && online);
      const c = await connectAsync(off.mqttUrl, { clientId: CLIENT_ID, reconnectPeriod: 0 });
      client = c;
      const answeredBy: unknown[] = [];
      c.on('message', (_topic: string, payload: Buffer) => {
        const body = JSON.parse(payload.toString()) as Answer['body'];
        if (body.response) answeredBy.push(body.response.macAddress);
      });
      await c.subscribeAsync(`cmd/52/navilink-${offline}/#`, { qos: 1 });
      await c.subscribeAsync(`cmd/52/navilink-${online}/#`, { qos: 1 });
      // Ask the offline heater first: answers come back in request order after the same
      // latency, so by the time the online heater's answer is here, the offline one would be too.
      const toOffline = envelope(offline, 'st', { command: 16777219 });
      const toOnline = envelope(online, 'st', { command: 16777219 });
      const answer = nextAnswer(c, 'status');
      await c.publishAsync(toOffline.topic, JSON.stringify(toOffline.body), { qos: 1 });
      await c.publishAsync(toOnline.topic, JSON.stringify(toOnline.body), { qos: 1 });
      assert.equal((await answer).body.response?.macAddress, online);
      assert.deepEqual(answeredBy, [online], 'the offline heater said nothing');
    } finally {
      await client?.endAsync(true);
      client = undefined;
      await off.close();
    }
  });

  it('applies faults: injected error code, refused upgrades, slow REST', async () => {
    const faulty = await startSimulator({
      devices: 1,
      faults: { errorCode: 799, refuseUpgrades: true, slowMs: 300 },
    });
    try {
      const heater = [...faulty.heaters.values()][0];
      assert.equal(heater?.status().errorCode, 799);
      assert.equal(heater?.status().wtrOvrSensorUse, 2);
      // mqtt.js only loops on a refused upgrade, so look at the HTTP answer itself.
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(faulty.mqttUrl, 'mqtt');
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('open', () => reject(new Error('upgrade was accepted')));
        ws.on('error', () => undefined);
      });
      assert.equal(status, 403);
      const started = Date.now();
      await fetch(`${faulty.apiUrl}/device/list`, { method: 'POST', body: '{}' });
      assert.ok(Date.now() - started >= 280);
    } finally {
      await faulty.close();
    }
  });

  it('parses CLI flags and environment, refusing non-loopback hosts', () => {
    const parsed = parseArgs(['--devices', '3', '--error-code=515:25', '--refuse-upgrades'], {
      NAVIEN_SIM_SPEED: '60',
    });
    assert.ok(!parsed.help);
    assert.equal(parsed.options.devices, 3);
    assert.equal(parsed.options.speed, 60);
    assert.equal(parsed.options.faults?.errorCode, 515);
    assert.equal(parsed.options.faults?.subErrorCode, 25);
    assert.equal(parsed.options.faults?.refuseUpgrades, true);
    assert.throws(() => parseArgs(['--host', '0.0.0.0']), /loopback/);
    assert.throws(() => parseArgs(['--bogus']), /Unknown option/);
    assert.deepEqual(parseArgs(['--help']), { help: true });
  });

  it('runs as a CLI that prints the URLs and stops on SIGTERM', async () => {
    const cli = join(__dirname, '..', '..', 'src', 'simulator', 'cli.ts');
    const tsx = join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const child = spawn(process.execPath, [tsx, cli, '--devices', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NAVIEN_SIM_REST_PORT: '0' },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    try {
      await waitFor(() => /Press Ctrl\+C/.test(out), { timeout: 15_000, what: 'the CLI banner' });
      assert.match(out, /apiUrl: +http:\/\/127\.0\.0\.1:\d+\/api\/v2\.1/);
      assert.match(out, /mqttUrl: +ws:\/\/127\.0\.0\.1:\d+\/mqtt/);
      assert.match(out, /email: +demo@example\.com/);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
