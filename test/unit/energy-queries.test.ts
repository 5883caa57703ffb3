// The account's monthly-energy and counters queries against the simulated cloud: the reply topics
// are shared by every heater of the client and carry no request id (§9.0), so an answer for
// another heater or other years must not be taken for ours.
import assert from 'node:assert/strict';
import { NavienAccount } from '../../src/navien';
import { startSimulator, type Simulator } from '../../src/simulator';
import type { Device } from '../../src/navien';
import { rejection } from '../support/wait';

describe('account: monthly energy and installer counters over the shared connection', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let account: NavienAccount;
  let devices: Device[];
  let stopFaking: (() => void) | undefined;

  before(async function () {
    sim = await startSimulator({ devices: 2, speed: 0 });
  });
  after(async function () {
    await sim.close();
  });
  beforeEach(async function () {
    account = new NavienAccount({
      email: sim.email,
      password: sim.password,
      apiUrl: sim.apiUrl,
      mqttUrl: sim.mqttUrl,
      deviceAnswerTimeoutMs: 1500,
    });
    devices = await account.listDevices();
  });
  afterEach(async function () {
    stopFaking?.();
    stopFaking = undefined;
    await account.close();
  });

  /** When a request to `suffix` goes out, first publish `fake` on its reply topic. */
  function answerFirstWith(suffix: string, fake: (replyTopic: string) => object): void {
    stopFaking = sim.broker.onPublish(({ topic, payload }) => {
      if (!topic.endsWith(suffix)) return;
      const env = JSON.parse(payload.toString('utf8')) as { responseTopic: string };
      void sim.broker.publish(env.responseTopic, JSON.stringify(fake(env.responseTopic)), 1);
    });
  }

  it("ignores another heater's counters on the shared reply topic", async function () {
    const [a, b] = devices;
    answerFirstWith('/st/td/rd', () => ({
      response: { macAddress: b.macAddress, typeOfTD: 2, data: { tsData: { cumulatedPwrHp: 1 } } },
    }));
    const got = await account.installerCounters(a);
    const truth = sim.heaters.get(a.macAddress)!.installerCounters().data;
    assert.equal(got.counters.heatPumpWh, truth.tsData.cumulatedPwrHp);
    assert.notEqual(got.counters.heatPumpWh, 1);
  });

  it('ignores a monthly answer for other years, and takes the one for the years asked', async function () {
    const [a] = devices;
    answerFirstWith('/st/energy-usage-monthly-query/rd', () => ({
      response: {
        macAddress: a.macAddress,
        total: { hpUsage: 1 },
        usage: [{ year: 2001, data: [{ hpUsage: 5, heUsage: 0 }] }],
      },
    }));
    const year = new Date().getFullYear();
    const got = await account.energyHistory(a, { years: [year - 1] });
    assert.deepEqual(
      got.years.map((y) => y.year),
      [year - 1],
    );
    assert.ok(got.lifetime && got.lifetime.heatPumpWh > 1, 'the real lifetime, not the fake one');
    assert.ok(got.years[0].totals.totalWh > 0);
  });

  it('the simulated cloud sends the counters only on the five-segment reply topic (§9.4)', async function () {
    const [a] = devices;
    const clientTopic = `cmd/52/${account.clientId}/res/td/rd`;
    const heard: string[] = [];
    let counters: Awaited<ReturnType<typeof account.installerCounters>> | undefined;
    await account.withMqtt(async () => {
      const stop = account.mqtt.subscribe(clientTopic, (topic) => heard.push(topic));
      try {
        await account.mqtt.whenSubscribed(clientTopic);
        const before = sim.deviceHost.answered.get('st/td/rd') ?? 0;
        const requestTopic = `cmd/52/navilink-${a.macAddress}/st/td/rd`;
        await account.mqtt.publish(requestTopic, {
          clientID: account.clientId,
          sessionID: account.sessionId,
          protocolVersion: 2,
          requestTopic,
          responseTopic: clientTopic,
          request: {
            command: 16777228,
            deviceType: 52,
            macAddress: a.macAddress,
            additionalValue: a.additionalValue,
          },
        });
        // The five-segment form, asked next, is answered; an answer to the four-segment one
        // would have come first (the heater answers in order, after the same latency).
        counters = await account.installerCounters(a);
        assert.deepEqual(heard, []);
        assert.equal(
          sim.deviceHost.answered.get('st/td/rd') ?? 0,
          before + 1,
          'only the five-segment request is answered',
        );
      } finally {
        stop();
      }
    });
    // The five-segment form is answered.
    assert.ok(counters!.counters.heatPumpWh! > 0);
  });

  it('gives NAVIEN_TIMEOUT when the heater does not answer', async function () {
    const [a] = devices;
    sim.heaters.get(a.macAddress)!.connected = false;
    try {
      const err = await rejection(account.installerCounters(a));
      assert.equal(err.code, 'NAVIEN_TIMEOUT');
      assert.match(err.message, /installer counters within 2 s/);
    } finally {
      sim.heaters.get(a.macAddress)!.connected = true;
    }
  });
});
