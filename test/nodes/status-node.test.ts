import assert from 'node:assert/strict';
import statusNode = require('../../src/navien-status');
import type { AccountNode } from '../../src/node-red/types';
import { nodeHarness, rejection, waitFor, type FlowNode, type Msg } from './harness';

interface StatusPayload {
  macAddress: string;
  deviceName: string;
  receivedAt: string;
  units: Record<string, string>;
  dhwTemperatureSetting: number;
  tankUpperTemperature: number;
  dhwOperationSettingName: string;
  compUse: boolean | null;
  [key: string]: unknown;
}

describe('navien-status in a real Node-RED runtime with the simulated cloud', function () {
  this.timeout(60_000);
  const h = nodeHarness({ nodes: [statusNode], simulator: { devices: 2, speed: 0 } });
  beforeEach(function () {
    h.sim.broker.refuseUpgrades(null);
  });

  const macs = () => h.macs;
  /** A status node on the harness account sending to `out`; `props` override the rest. */
  const node = (id: string, props: Record<string, unknown> = {}): FlowNode => ({
    id,
    type: 'navien-status',
    account: 'acc',
    device: '',
    interval: 0,
    units: 'auto',
    outputMode: 'every',
    wires: [['out']],
    ...props,
  });
  function statusFlow(props: Record<string, unknown>): FlowNode[] {
    return [node('s', { interval: 300, ...props, wires: [['out']] })];
  }

  it('streams decoded status for every device on the account, with units, names and times', async function () {
    await h.load(statusFlow({}));
    const msgs = await h.received('out', 2, 10_000);
    assert.deepEqual(
      new Set(msgs.map((m) => m.topic)),
      new Set(macs().map((mac) => `navien/${mac}/status`)),
    );
    for (const msg of msgs) {
      const p = msg.payload as StatusPayload;
      const raw = h.sim.heaters.get(p.macAddress)!.status();
      // Raw half-°C set-point and deci-°C tank sensor, converted by the protocol's rules (device shows °F).
      assert.equal(raw.temperatureType, 2);
      assert.equal(
        p.dhwTemperatureSetting,
        Math.round((((Number(raw.dhwTemperatureSetting) / 2) * 9) / 5) * 10 + 320) / 10,
      );
      assert.ok(
        Math.abs(p.tankUpperTemperature - ((Number(raw.tankUpperTemperature) / 10) * 9) / 5 - 32) <
          0.11,
      );
      assert.equal(p.units.tankUpperTemperature, '°F');
      assert.equal(typeof p.dhwOperationSettingName, 'string');
      assert.ok(p.deviceName);
      assert.ok(!Number.isNaN(Date.parse(p.receivedAt)));
      assert.equal(msg.raw, undefined, 'raw is off by default');
    }
  });

  it('follows the chosen units: °C gives litres, and msg.raw carries the untouched status when asked', async function () {
    const mac = macs()[0];
    await h.load(statusFlow({ device: mac, units: 'C', includeRaw: true }));
    const [msg] = await h.received('out', 1, 10_000);
    const p = msg.payload as StatusPayload;
    const raw = msg.raw as Record<string, number>;
    assert.equal(p.units.dhwTemperatureSetting, '°C');
    assert.equal(p.dhwTemperatureSetting, raw.dhwTemperatureSetting / 2);
    assert.equal(p.tankUpperTemperature, raw.tankUpperTemperature / 10);
    assert.equal(p.units.cumulatedDhwFlowRate, 'L');
  });

  it('an input message asks for a status now; msg.device picks the device', async function () {
    const [first, second] = macs();
    await h.load(statusFlow({ interval: 0 }));
    const out = h.inbox('out');
    await waitFor(() => out.length === 2, { timeout: 10_000, what: 'initial statuses' });
    // Ask for each device in turn: each answer must be the one asked for, not just any status.
    h.node('s').receive({ device: second });
    await waitFor(() => out.length === 3, { what: 'requested status' });
    h.node('s').receive({ device: first });
    await waitFor(() => out.length === 4, { what: 'second requested status' });
    assert.deepEqual(
      out.slice(2).map((m) => m.topic),
      [`navien/${second}/status`, `navien/${first}/status`],
    );
  });

  it('in "changes" mode sends a status only when something changed', async function () {
    const mac = macs()[0];
    await h.load(statusFlow({ device: mac, outputMode: 'changes', interval: 0 }));
    const out = h.inbox('out');
    await waitFor(() => out.length === 1, { timeout: 10_000, what: 'first status' });
    // Play the device: the same status twice, then a changed one.
    const status = { ...h.sim.heaters.get(mac)!.status(), dhwTemperatureSetting: 100 };
    const answer = (st: object) => ({
      protocolVersion: 2,
      response: { command: 16777219, deviceType: 52, macAddress: mac, status: st },
    });
    const topic = `cmd/52/navilink-${mac}/test-device/res`;
    await h.sim.broker.publish(topic, answer(status));
    await waitFor(() => out.length === 2, { timeout: 10_000, what: 'the new status' });
    await h.sim.broker.publish(topic, answer(status));
    await h.sim.broker.publish(topic, answer(status));
    // One connection delivers in order: once the changed status is out, the repeats were seen.
    await h.sim.broker.publish(topic, answer({ ...status, dhwTemperatureSetting: 110 }));
    await waitFor(() => out.length >= 3, { what: 'changed status' });
    assert.equal(out.length, 3, 'identical statuses are not repeated');
    assert.equal((out[1].payload as StatusPayload).dhwTemperatureSetting, 122);
    assert.equal((out[2].payload as StatusPayload).dhwTemperatureSetting, 131);
  });

  it('100 status nodes on one account share exactly one MQTT connection', async function () {
    const mac = macs()[0];
    const nodes: FlowNode[] = [];
    for (let i = 0; i < 100; i++) {
      nodes.push(node(`s${i}`, { device: mac }));
    }
    await h.load(nodes);
    await h.received('out', 100, 30_000);
    assert.equal(h.sim.broker.connectionCount(), 1);
  });

  it('two accounts on the same login (like two Node-RED instances) stay connected side by side', async function () {
    const mac = macs()[0];
    const login = { email: h.sim.email, password: h.sim.password };
    await h.load(
      [
        { id: 'acc2', type: 'navien-account', apiUrl: h.sim.apiUrl, mqttUrl: h.sim.mqttUrl },
        node('s1', { device: mac, wires: [['out1']] }),
        node('s2', { account: 'acc2', device: mac, wires: [['out2']] }),
      ],
      { credentials: { acc: login, acc2: login } },
    );
    const out1 = h.inbox('out1');
    const out2 = h.inbox('out2');
    await waitFor(() => out1.length >= 1 && out2.length >= 1, {
      timeout: 10_000,
      what: 'a status on both accounts',
    });
    const upgrades = h.sim.broker.upgrades.length;
    assert.equal(h.sim.broker.connectionCount(), 2, 'two connections');
    assert.equal(new Set(h.sim.broker.clientIds()).size, 2, 'distinct client ids');
    h.node('s1').receive({});
    h.node('s2').receive({});
    await waitFor(() => out1.length >= 2 && out2.length >= 2, {
      timeout: 10_000,
      what: 'both still answer',
    });
    assert.equal(h.sim.broker.connectionCount(), 2, 'still two connections');
    assert.equal(h.sim.broker.upgrades.length, upgrades, 'nobody was kicked off and reconnected');
  });

  it('after a broker restart it reconnects, resubscribes, asks again and emits fresh state', async function () {
    const mac = macs()[0];
    await h.load(statusFlow({ device: mac, interval: 0 }));
    const out = h.inbox('out');
    const statuses = h.inbox('statuses');
    await waitFor(() => out.length === 1, { timeout: 10_000, what: 'first status' });
    await h.sim.broker.stop();
    await waitFor(
      () => statuses.some((s) => /reconnecting/.test(String((s.status as { text: string }).text))),
      { timeout: 10_000, what: 'reconnecting badge' },
    );
    await h.sim.broker.start();
    await waitFor(() => out.length === 2, { timeout: 30_000, what: 'status after restart' });
  });

  it('an upgrade refused with HTTP 403 leads to a new sign-in and a reconnect, without a retry storm', async function () {
    const mac = macs()[0];
    await h.load(statusFlow({ device: mac, interval: 0 }));
    const out = h.inbox('out');
    await waitFor(() => out.length === 1, { timeout: 10_000, what: 'first status' });
    const signInsBefore = h.sim.rest.counts.signIn;
    const upgradesBefore = h.sim.broker.upgrades.length;
    h.sim.broker.refuseUpgrades(403);
    h.sim.broker.dropClients();
    const started = Date.now();
    await waitFor(() => h.sim.rest.counts.signIn > signInsBefore, {
      timeout: 20_000,
      what: 'a new sign-in for fresh AWS credentials',
    });
    const seconds = (Date.now() - started) / 1000;
    const attempts = h.sim.broker.upgrades.length - upgradesBefore;
    // Exponential backoff from 1 s: a handful of attempts, never one per tick.
    assert.ok(
      attempts <= 2 + seconds / 2,
      `${attempts} upgrade attempts in ${seconds.toFixed(1)} s`,
    );
    h.sim.broker.refuseUpgrades(null);
    await waitFor(() => out.length >= 2, { timeout: 40_000, what: 'status after reconnect' });
  });

  it('redeploying 100 times leaves one connection and no duplicate output', async function () {
    this.timeout(120_000);
    const mac = macs()[0];
    const def = statusFlow({ device: mac, interval: 0 });
    for (let i = 0; i < 100; i++) {
      await h.load(def);
      await h.unload();
    }
    await waitFor(() => h.sim.broker.connectionCount() === 0, {
      timeout: 10_000,
      what: 'no connection left after unload',
    });
    await h.load(def);
    const out = h.inbox('out');
    await waitFor(() => out.length === 1, { timeout: 10_000, what: 'one status' });
    // Ask once more: a leftover node would answer too, so exactly one more message must come.
    h.node('s').receive({});
    await waitFor(() => out.length >= 2, { what: 'the requested status' });
    await h.sim.broker.publish(`cmd/52/navilink-${mac}/test-device/res`, {
      protocolVersion: 2,
      response: {
        command: 16777219,
        deviceType: 52,
        macAddress: mac,
        status: h.sim.heaters.get(mac)!.status(),
      },
    });
    await waitFor(() => out.length >= 3, { what: 'a status the broker sent' });
    assert.equal(out.length, 3, 'no duplicate output from leftover nodes');
    assert.equal(h.sim.broker.connectionCount(), 1);
  });

  it('drops malformed MQTT payloads with a warning and keeps streaming', async function () {
    const mac = macs()[0];
    await h.load(statusFlow({ device: mac, interval: 0 }));
    const out = h.inbox('out');
    await waitFor(() => out.length === 1, { timeout: 10_000, what: 'first status' });
    const s = h.node('s');
    const warned = new Promise<unknown[]>((resolve) =>
      s.once('call:warn', (call: { args: unknown[] }) => resolve(call.args)),
    );
    await h.sim.broker.publish(`cmd/52/navilink-${mac}/garbage`, Buffer.from('{not json'));
    assert.match(String((await warned)[0]), /malformed/i);
    s.receive({});
    await waitFor(() => out.length === 2, { timeout: 10_000, what: 'status after garbage' });
  });

  it('never shows a password, token or AWS key in outputs, badges, errors or logs', async function () {
    const mac = macs()[0];
    await h.load([
      node('s', { device: mac, includeRaw: true }),
      node('bad', { device: 'ffffffffffff' }),
    ]);
    const out = h.inbox('out');
    const statuses = h.inbox('statuses');
    const caught = h.inbox('caught');
    await waitFor(() => out.length >= 1 && caught.length >= 1, {
      timeout: 10_000,
      what: 'a status and an error',
    });
    // Force a token refresh and a reconnect so those paths log too.
    h.sim.rest.expireAllTokens();
    h.sim.broker.dropClients();
    h.node('s').receive({});
    await waitFor(() => out.length >= 2, { timeout: 30_000, what: 'status after reconnect' });
    const secrets = [h.sim.password];
    for (const t of h.sim.rest.issuedTokens())
      secrets.push(t.accessToken, t.refreshToken, t.secretKey, t.sessionToken);
    const seen = JSON.stringify([out, statuses, caught, h.log().args]);
    for (const secret of secrets)
      assert.ok(!seen.includes(secret), 'a secret leaked into what users see');
  });

  it('a wrong password gives a red badge and a catchable error, with no sign-in storm', async function () {
    const before = h.sim.rest.counts.signIn;
    await h.load(statusFlow({}), {
      credentials: { acc: { email: h.sim.email, password: 'nope-not-it' } },
    });
    const statuses = h.inbox('statuses');
    const [caught] = await h.received('caught', 1, 10_000);
    assert.equal((caught.error as { code: string }).code, 'NAVIEN_INVALID_CREDENTIALS');
    const badge = (m: Msg) => m.status as { fill: string; text: string };
    await waitFor(
      () => statuses.some((m) => badge(m).fill === 'red' && badge(m).text === 'sign-in failed'),
      { timeout: 10_000, what: 'red sign-in failed badge' },
    );
    // What the node's retry does: ask the account again. The backoff refuses without a sign-in.
    const account = h.node<AccountNode>('acc').account;
    assert.ok(account);
    const again = await rejection(account.device(macs()[0]));
    assert.equal(again.code, 'NAVIEN_INVALID_CREDENTIALS');
    assert.equal(h.sim.rest.counts.signIn - before, 1, 'one attempt, then the backoff holds');
    const all: Msg[] = [caught, ...statuses];
    assert.doesNotMatch(JSON.stringify(all), /nope-not-it/);
  });

  it('20 status nodes on one heater with interval 30: one subscription, one status request per poll', async function () {
    const mac = macs()[0];
    const { statusRequests: requests, subscriptions } = h.watchHeater(mac);
    const clock = h.fakePollTimers();
    const nodes: FlowNode[] = Array.from({ length: 20 }, (_, i) =>
      node(`s${i}`, { device: mac, interval: 30, units: i % 2 ? 'C' : 'auto' }),
    );
    await h.load(nodes);
    const out = h.inbox('out');
    await waitFor(() => out.length === 20, { timeout: 10_000, what: 'one status per node' });
    assert.equal(requests.length, 1, 'deploying 20 nodes asks once');
    assert.deepEqual(subscriptions, [`cmd/52/navilink-${mac}/#`], 'one subscription');
    await clock.tickAsync(30_000);
    await waitFor(() => out.length === 40, {
      timeout: 10_000,
      what: 'the polled status reaches all 20',
    });
    assert.equal(requests.length, 2, 'one request per poll, not 20');
    await clock.tickAsync(30_000);
    await waitFor(() => out.length === 60, { timeout: 10_000, what: 'the next poll' });
    assert.equal(requests.length, 3);
  });

  it('a flow that edits msg.payload of one status node does not change what another sends', async function () {
    const mac = macs()[0];
    const editable = (id: string, out: string): FlowNode =>
      node(id, { device: mac, includeRaw: true, wires: [[out]] });
    await h.load([editable('a', 'outA'), editable('b', 'outB')]);
    // Whichever node's message is handled first vandalises its own payload, raw and units.
    let vandalised = 0;
    const vandal = (msg: Msg): void => {
      if (vandalised++ > 0) return;
      const p = msg.payload as StatusPayload;
      p.dhwTemperatureSetting = -1;
      p.units.dhwTemperatureSetting = 'K';
      (msg.raw as Record<string, unknown>).dhwTemperatureSetting = -1;
    };
    h.node('outA').on('input', vandal);
    h.node('outB').on('input', vandal);
    const a = h.collect('outA');
    const b = h.collect('outB');
    await waitFor(() => a.length === 1 && b.length === 1, {
      timeout: 10_000,
      what: 'a status on both',
    });
    const [first, second] =
      (a[0].payload as StatusPayload).dhwTemperatureSetting === -1 ? [a[0], b[0]] : [b[0], a[0]];
    const p1 = first.payload as StatusPayload;
    const p2 = second.payload as StatusPayload;
    assert.equal(p1.dhwTemperatureSetting, -1, 'the vandal edited its own message');
    assert.ok(p2.dhwTemperatureSetting > 0, 'the other node sent the real set-point');
    assert.equal(p2.units.dhwTemperatureSetting, '°F');
    assert.ok((second.raw as Record<string, number>).dhwTemperatureSetting > 0);
  });

  it('puts everyday fields first and protocol bookkeeping last in the payload', async function () {
    await h.load(statusFlow({ device: macs()[0] }));
    const [msg] = await h.received('out', 1, 10_000);
    const keys = Object.keys(msg.payload as object);
    assert.deepEqual(keys.slice(0, 3), [
      'dhwTemperature',
      'dhwTemperatureSetting',
      'dhwTargetTemperatureSetting',
    ]);
    const at = (k: string) => keys.indexOf(k);
    assert.ok(at('dhwChargePer') < at('dhwOperationSetting'));
    assert.ok(at('currentInstPower') < at('errorCode') && at('errorCode') < at('errorText'));
    for (const bookkeeping of ['command', 'temperatureType', 'tempFormulaType']) {
      assert.ok(at(bookkeeping) >= keys.length - 12, `${bookkeeping} near the end`);
    }
    assert.deepEqual(keys.slice(-3), ['macAddress', 'deviceName', 'receivedAt']);
  });

  it('following several heaters, the badge names the heater it shows', async function () {
    await h.load(statusFlow({}));
    const statuses = h.inbox('statuses');
    await h.received('out', 2, 10_000);
    const names = [...h.sim.heaters.values()].map((heater) => heater.deviceName.slice(0, 9));
    await waitFor(
      () =>
        statuses.some((m) => {
          const text = String((m.status as { text: string }).text);
          return names.some((n) => text.startsWith(n)) && /°F/.test(text);
        }),
      { timeout: 10_000, what: 'a badge with a heater name and its temperature' },
    );
  });

  it('a stale stream shows how old its last status is (injected clock)', async function () {
    let now = Date.now();
    /** The watch's pending timers; runDue() runs the ones whose time has come. */
    const timers = new Map<number, { at: number; fn: () => void }>();
    let nextId = 1;
    const runDue = (): void => {
      for (const [id, t] of [...timers]) {
        if (t.at > now) continue;
        timers.delete(id);
        t.fn();
      }
    };
    const clock = statusNode.clock.current;
    statusNode.clock.current = {
      now: () => now,
      setTimeout: (fn, ms) => {
        timers.set(nextId, { at: now + ms, fn });
        return nextId++;
      },
      clearTimeout: (id) => timers.delete(id as number),
    };
    try {
      await h.load(statusFlow({ device: macs()[0], interval: 300 }));
      const statuses = h.inbox('statuses');
      await h.received('out', 1, 10_000);
      assert.equal(timers.size, 1, 'one timer per node, however many statuses');
      now += 9 * 60_000;
      runDue();
      const staleBadges = () =>
        statuses
          .map((m) => m.status as { fill: string; shape: string; text: string })
          .filter((b) => b.fill === 'grey');
      // Badges reach the Status node in the order a node shows them: once a marker shown after
      // the 9-minute check is there, a stale badge from that check would be there too.
      h.node('s').status({ fill: 'blue', shape: 'dot', text: 'marker' });
      await waitFor(() => statuses.some((m) => (m.status as { text: string }).text === 'marker'), {
        what: 'the marker badge',
      });
      assert.deepEqual(staleBadges(), [], 'fresh enough: 9 min < twice the 5 min interval');
      now += 2 * 60_000;
      runDue();
      await waitFor(() => staleBadges().length > 0, { timeout: 5_000, what: 'stale badge' });
      const badge = staleBadges()[0];
      assert.deepEqual(
        { fill: badge.fill, shape: badge.shape, text: badge.text },
        { fill: 'grey', shape: 'ring', text: 'last status 11 min ago' },
      );
    } finally {
      statusNode.clock.current = clock;
    }
  });
});
