import assert from 'node:assert/strict';
import sinon from 'sinon';
import eventsNode = require('../../src/navien-events');
import statusNode = require('../../src/navien-status');
import { nodeHarness, waitFor, type FlowNode, type Msg } from './harness';

interface EventPayload {
  event: string;
  macAddress: string;
  deviceName: string;
  at: string;
  from: unknown;
  to: unknown;
  [key: string]: unknown;
}

const payloadOf = (m: Msg) => m.payload as EventPayload;
const eventsIn = (msgs: Msg[]) => msgs.map((m) => payloadOf(m).event);

describe('navien-events in a real Node-RED runtime with the simulated cloud', function () {
  this.timeout(60_000);
  const h = nodeHarness({ nodes: [eventsNode, statusNode], simulator: { devices: 2, speed: 0 } });
  beforeEach(function () {
    for (const mac of h.sim.heaters.keys()) {
      h.sim.clearError(mac);
      h.sim.setOnline(mac);
    }
  });

  const macs = () => h.macs;
  function eventsFlow(props: Record<string, unknown>): FlowNode[] {
    return [
      {
        id: 'ev',
        type: 'navien-events',
        account: 'acc',
        device: macs()[0],
        lowCharge: 25,
        staleAfter: 900,
        interval: 300,
        initial: false,
        units: 'auto',
        ...props,
        wires: [['out']],
      },
    ];
  }

  /** Plays the heater: publishes a status answer as the device would. */
  async function playStatus(mac: string, changes: Record<string, number>): Promise<void> {
    const status = { ...h.sim.heaters.get(mac)!.status(), ...changes };
    await h.sim.broker.publish(`cmd/52/navilink-${mac}/test-device/res`, {
      protocolVersion: 2,
      response: { command: 16777219, deviceType: 52, macAddress: mac, status },
    });
  }

  /** When the account's status stream for `mac` last delivered a status (undefined: none yet). */
  const lastStatusAt = (mac: string): number | undefined =>
    h
      .account()
      .statusStreams()
      .find((s) => s.macAddress === mac)?.lastStatusAt;

  /**
   * Resolves once the stream has delivered a status stamped after `since`, and Node-RED has
   * passed on what the nodes sent on it (the stream calls every node at once; Node-RED delivers
   * their messages on the next turn of the event loop).
   */
  async function delivered(mac: string, since = 0): Promise<void> {
    await waitFor(() => (lastStatusAt(mac) ?? 0) > since, { what: `a status from ${mac}` });
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Plays a status and resolves once the nodes have judged it. */
  async function playDelivered(mac: string, changes: Record<string, number>): Promise<void> {
    const before = lastStatusAt(mac) ?? 0;
    // Statuses are stamped in ms: this one must get a later stamp than the one before.
    await waitFor(() => Date.now() > before, { what: 'the next millisecond' });
    await playStatus(mac, changes);
    await delivered(mac, before);
  }

  /** Counts status requests (…/st) the nodes publish from now on. */
  function countStatusRequests(): { count: () => number; stop: () => void } {
    let n = 0;
    const stop = h.onPublish(({ topic }) => {
      if (topic.endsWith('/st')) n++;
    });
    return { count: () => n, stop };
  }

  it('the first status is the baseline; each edge is one message with topic, payload and msg.status; a repeat gives none', async function () {
    const mac = macs()[0];
    const requests = countStatusRequests();
    await h.load(eventsFlow({}));
    const out = h.inbox('out');
    await waitFor(() => requests.count() >= 1, {
      timeout: 10_000,
      what: 'the first status request',
    });
    requests.stop();
    await delivered(mac);
    assert.equal(out.length, 0, 'the baseline emits nothing');
    const quiet = { compUse: 1, heatUpperUse: 1, heatLowerUse: 1, dhwUse: 1, dhwUseSustained: 1 };
    // The simulated heater may be heating right now: start from a quiet status.
    await playDelivered(mac, quiet);
    out.length = 0;
    await playStatus(mac, { ...quiet, heatUpperUse: 2 });
    await waitFor(() => out.length === 1, { timeout: 10_000, what: 'heating-started' });
    const [msg] = out;
    assert.equal(msg.topic, `navien/${mac}/event/heating-started`);
    const p = payloadOf(msg);
    assert.equal(p.event, 'heating-started');
    assert.equal(p.source, 'element');
    assert.equal(p.from, null);
    assert.equal(p.to, 'element');
    assert.equal(p.macAddress, mac);
    assert.equal(p.deviceName, h.sim.heaters.get(mac)!.deviceName);
    assert.ok(!Number.isNaN(Date.parse(p.at)));
    const status = msg.status as Record<string, unknown>;
    assert.equal(status.heatUpperUse, true, 'msg.status is the decoded status that caused it');
    assert.equal(status.macAddress, mac);
    assert.ok(!Object.isFrozen(status), "msg.status is the message's own copy, not the stream's");
    await playDelivered(mac, { ...quiet, heatUpperUse: 2 });
    await playDelivered(mac, { ...quiet, heatUpperUse: 2 });
    assert.equal(out.length, 1, 'a repeat status is no edge');
    await playStatus(mac, quiet);
    await waitFor(() => out.length === 2, { timeout: 10_000, what: 'heating-stopped' });
    assert.equal(payloadOf(out[1]).event, 'heating-stopped');
  });

  it('error-raised / error-cleared from the simulated heater, asked for by an input message; badge says what and when', async function () {
    const mac = macs()[0];
    await h.load(eventsFlow({}));
    const out = h.inbox('out');
    const statuses = h.inbox('statuses');
    await waitFor(
      () => statuses.some((s) => /watching/.test(String((s.status as { text: string }).text))),
      { timeout: 10_000, what: 'connected' },
    );
    await delivered(mac); // the baseline, before the fault
    h.sim.heaters.get(mac)!.injectError(799);
    h.node('ev').receive({});
    await waitFor(() => out.some((m) => payloadOf(m).event === 'error-raised'), {
      timeout: 10_000,
      what: 'error',
    });
    const raised = payloadOf(out.find((m) => payloadOf(m).event === 'error-raised')!);
    assert.equal(raised.code, 799);
    assert.equal(raised.text, 'E799 water leak');
    await waitFor(
      () =>
        statuses.some((s) =>
          /^error-raised \d\d:\d\d$/.test(String((s.status as { text: string }).text)),
        ),
      { timeout: 5_000, what: 'badge "error-raised HH:MM"' },
    );
    h.sim.heaters.get(mac)!.clearError();
    h.node('ev').receive({});
    await waitFor(() => out.some((m) => payloadOf(m).event === 'error-cleared'), {
      timeout: 10_000,
      what: 'clear',
    });
    assert.equal(eventsIn(out).filter((e) => e.startsWith('error')).length, 2);
  });

  it('initial: the current state comes out as events on start, in the chosen units', async function () {
    const mac = macs()[0];
    await h.load(eventsFlow({ initial: true, units: 'C' }));
    const out = h.inbox('out');
    await waitFor(() => eventsIn(out).includes('setpoint-changed'), {
      timeout: 10_000,
      what: 'initial events',
    });
    const names = eventsIn(out);
    for (const name of ['online', 'mode-changed', 'setpoint-changed', 'power-changed'])
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    const sp = payloadOf(out.find((m) => payloadOf(m).event === 'setpoint-changed')!);
    const raw = h.sim.heaters.get(mac)!.status();
    assert.equal(sp.unit, '°C');
    assert.equal(sp.to, Number(raw.dhwTemperatureSetting) / 2);
    assert.equal(sp.from, null);
  });

  it('only the chosen events are sent; the low-charge events have hysteresis', async function () {
    const mac = macs()[0];
    await h.load(eventsFlow({ events: ['charge-low', 'charge-recovered'], lowCharge: 30 }));
    const out = h.inbox('out');
    await delivered(mac); // the baseline
    for (const [level, changes] of [
      [50, { compUse: 1 }],
      [29, { compUse: 2, dhwUse: 2 }],
      [35, {}],
      [25, {}],
      [40, {}],
      [41, {}],
    ] as const) {
      await playDelivered(mac, { dhwChargePer: level, ...changes });
    }
    await waitFor(() => out.length >= 2, { timeout: 10_000, what: 'low and recovered' });
    assert.deepEqual(
      out.map((m) => [payloadOf(m).event, payloadOf(m).to]),
      [
        ['charge-low', 29],
        ['charge-recovered', 41],
      ],
    );
  });

  it('after a reconnect the first status is a new baseline: what changed during the gap sends nothing', async function () {
    const mac = macs()[0];
    const flow = eventsFlow({});
    flow.push({
      id: 'st',
      type: 'navien-status',
      account: 'acc',
      device: mac,
      interval: 0,
      wires: [['seen']],
    });
    await h.load(flow);
    const out = h.inbox('out');
    const seen = h.inbox('seen');
    await waitFor(() => seen.length >= 1, { timeout: 10_000, what: 'first status' });
    await delivered(mac);
    await h.sim.broker.stop();
    h.sim.heaters.get(mac)!.injectError(96);
    const before = seen.length;
    await h.sim.broker.start();
    await waitFor(
      () => seen.slice(before).some((m) => (m.payload as { errorCode: number }).errorCode === 96),
      { timeout: 30_000, what: 'a status after the reconnect' },
    );
    // 'st' and 'ev' share the heater's stream: what 'st' sent on that status, 'ev' judged too.
    assert.deepEqual(
      eventsIn(out).filter((e) => e.startsWith('error')),
      [],
      'baseline after reconnect',
    );
    h.sim.heaters.get(mac)!.clearError();
    h.node('ev').receive({});
    await waitFor(() => eventsIn(out).includes('error-cleared'), {
      timeout: 10_000,
      what: 'error-cleared',
    });
  });

  describe('offline / online with an injected clock', function () {
    let clock: sinon.SinonFakeTimers | undefined;
    const realSetTimeout = setTimeout;
    /**
     * Moves the fake clock on one second at a time, letting real I/O run in between, so the
     * MQTT keep-alive still gets its answers (one big jump would look like a dead link).
     */
    async function advance(ms: number): Promise<void> {
      for (let left = ms; left > 0; left -= 1000) {
        await clock!.tickAsync(Math.min(1000, left));
        await new Promise((r) => realSetTimeout(r, 5));
      }
    }
    afterEach(function () {
      clock?.restore();
      clock = undefined;
    });

    it('offline after staleAfter seconds without a status (grey badge), online when one arrives', async function () {
      const mac = macs()[0];
      clock = sinon.useFakeTimers({
        now: Date.now(),
        shouldAdvanceTime: true,
        toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      });
      await h.load(eventsFlow({ staleAfter: 120, interval: 30 }));
      const out = h.inbox('out');
      const statuses = h.inbox('statuses');
      await waitFor(
        () => statuses.some((s) => /watching/.test(String((s.status as { text: string }).text))),
        { timeout: 10_000, what: 'connected' },
      );
      await delivered(mac); // the baseline
      h.sim.heaters.get(mac)!.connected = false; // silent on MQTT from now on
      await playDelivered(mac, {}); // its last word: staleAfter counts from here
      await advance(119_000);
      assert.deepEqual(eventsIn(out), [], 'not yet stale');
      await advance(1_500);
      await waitFor(() => out.length === 1, { timeout: 5_000, what: 'offline' });
      const off = payloadOf(out[0]);
      assert.equal(off.event, 'offline');
      assert.equal(off.reason, 'no-status');
      assert.equal(out[0].topic, `navien/${mac}/event/offline`);
      await waitFor(
        () =>
          statuses.some((s) => {
            const st = s.status as { fill: string; text: string };
            return st.fill === 'grey' && st.text === 'offline';
          }),
        { timeout: 5_000, what: 'grey offline badge' },
      );
      await advance(300_000);
      assert.equal(out.length, 1, 'offline is sent once');
      h.sim.heaters.get(mac)!.connected = true;
      h.node('ev').receive({});
      await waitFor(() => out.length === 2, { timeout: 10_000, what: 'online' });
      assert.deepEqual(
        [payloadOf(out[1]).event, payloadOf(out[1]).from, payloadOf(out[1]).to],
        ['online', 'offline', 'online'],
      );
    });

    it('offline when the cloud lists the heater as disconnected (reason cloud), online when it answers again', async function () {
      const mac = macs()[0];
      clock = sinon.useFakeTimers({
        now: Date.now(),
        shouldAdvanceTime: true,
        toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      });
      const start = Date.now();
      // The device list is checked every staleAfter (300 s) through the account's 60 s cache;
      // statuses come every 30 s until the heater goes off line.
      await h.load(eventsFlow({ staleAfter: 300, interval: 30 }));
      const out = h.inbox('out');
      const statuses = h.inbox('statuses');
      const badges = () => statuses.map((s) => s.status as { fill: string; text: string });
      await waitFor(() => badges().some((b) => /watching/.test(b.text)), {
        timeout: 10_000,
        what: 'connected',
      });
      await advance(200_000);
      assert.deepEqual(eventsIn(out), [], 'a steady heater sends nothing');
      h.sim.setOffline(mac); // silent on MQTT and listed with connected: 1
      const wentOffline = Date.now();
      await advance(start + 300_000 - Date.now() + 2_000);
      await waitFor(() => out.length === 1, { timeout: 5_000, what: 'offline from the list' });
      const off = payloadOf(out[0]);
      assert.deepEqual(
        [out[0].topic, off.event, off.reason, off.from, off.to],
        [`navien/${mac}/event/offline`, 'offline', 'cloud', 'online', 'offline'],
      );
      assert.ok(Date.parse(String(off.lastStatusAt)) < wentOffline, 'lastStatusAt: its last word');
      assert.equal(out[0].status, undefined, 'no status caused it');
      await waitFor(() => badges().some((b) => b.fill === 'grey' && b.text === 'offline'), {
        timeout: 5_000,
        what: 'grey offline badge',
      });
      await advance(400_000);
      assert.equal(out.length, 1, 'the silence that follows is the same offline, not a second');
      h.sim.setOnline(mac);
      await advance(31_000); // the next poll is answered
      await waitFor(() => out.length === 2, { timeout: 10_000, what: 'online' });
      const on = payloadOf(out[1]);
      assert.deepEqual([on.event, on.from, on.to], ['online', 'offline', 'online']);
      assert.equal((out[1].status as { macAddress: string }).macAddress, mac);
      await waitFor(() => /^online \d\d:\d\d$/.test(badges()[badges().length - 1].text), {
        timeout: 5_000,
        what: 'badge "online HH:MM"',
      });
    });
  });

  it('20 events nodes beside a status node: one connection, one subscription, one status request per poll', async function () {
    const mac = macs()[0];
    const { statusRequests: requests, subscriptions } = h.watchHeater(mac);
    const clock = h.fakePollTimers();
    const nodes: FlowNode[] = [
      {
        id: 's',
        type: 'navien-status',
        account: 'acc',
        device: mac,
        interval: 30,
        wires: [['seen']],
      },
    ];
    for (let i = 0; i < 20; i++) {
      nodes.push({
        id: `ev${i}`,
        type: 'navien-events',
        account: 'acc',
        device: mac,
        // Slower polls than the status node's never add requests; `initial` proves each listens.
        interval: i % 2 ? 30 : 300,
        units: i % 3 ? 'auto' : 'C',
        initial: true,
        wires: [['out']],
      });
    }
    await h.load(nodes);
    const seen = h.inbox('seen');
    const out = h.inbox('out');
    const onlineEvents = () => out.filter((m) => payloadOf(m).event === 'online').length;
    await waitFor(() => onlineEvents() === 20, {
      timeout: 10_000,
      what: 'every events node sees the first status',
    });
    assert.equal(h.sim.broker.connectionCount(), 1, 'one MQTT connection for the account');
    assert.deepEqual(subscriptions, [`cmd/52/navilink-${mac}/#`], 'one subscription');
    assert.equal(requests.length, 1, 'deploying 21 nodes asks once');
    const firstEvents = out.length;
    // What the account's client publishes from here on, to know when the broker has it all.
    const sent = sinon.spy(h.account().mqtt, 'publish');
    const statusRequestsSent = () =>
      sent.getCalls().filter((c) => String(c.args[0]).endsWith('/st')).length;
    await clock.tickAsync(30_000);
    await waitFor(() => seen.length === 2, { timeout: 10_000, what: 'the polled status' });
    await waitFor(() => requests.length >= 1 + statusRequestsSent(), {
      what: 'every status request of the poll at the broker',
    });
    sent.restore();
    assert.equal(requests.length, 2, 'one request per poll, not 21');
    assert.equal(out.length, firstEvents, 'an unchanged status is no event');
    assert.equal(h.sim.broker.connectionCount(), 1);
  });
});
