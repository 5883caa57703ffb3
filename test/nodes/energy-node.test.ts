import assert from 'node:assert/strict';
import type { SinonSpy } from 'sinon';
import type { Heater } from '../../src/simulator';
import type { EnergyDay } from '../../src/simulator/heater-state';
import energyNode = require('../../src/navien-energy');
import { nodeHarness, type Msg, type WirePublish } from './harness';

type Totals = Record<string, number | null>;

/** The totals our decoder should give for raw items, computed here from the simulator's figures. */
function expectTotals(items: readonly Partial<EnergyDay>[]): Totals {
  const sum = (k: keyof EnergyDay) => items.reduce((a, d) => a + (d[k] ?? 0), 0);
  const hp = sum('hpUsage');
  const he = sum('heUsage');
  const total = hp + he;
  const share = (x: number) => (total > 0 ? Math.round((1000 * x) / total) / 10 : null);
  return {
    heatPumpWh: hp,
    elementWh: he,
    heatPumpHours: sum('hpTime'),
    elementHours: sum('heTime'),
    totalWh: total,
    heatPumpShare: share(hp),
    elementShare: share(he),
  };
}

describe('navien-energy reports (daily, monthly, lifetime) against the simulator', function () {
  this.timeout(60_000);
  const h = nodeHarness({
    nodes: [energyNode],
    // speed 0: no ticking, so the history the test computes stays what the heater answers.
    simulator: { devices: 1, speed: 0 },
    navienTimeouts: { deviceAnswerMs: 1500 },
  });
  let mac: string;
  let heater: Heater;
  /** Every request a client published to a heater, as the broker saw it. */
  let wires: WirePublish[];
  const year = new Date().getFullYear();

  before(function () {
    ({ mac, heater } = h.first());
  });
  beforeEach(function () {
    wires = h.wire((topic) => topic.includes('/navilink-'));
  });
  afterEach(function () {
    heater.connected = true;
  });

  async function load(props: Record<string, unknown> = {}): Promise<void> {
    await h.load([
      { id: 'e', type: 'navien-energy', account: 'acc', device: mac, ...props, wires: [['out']] },
    ]);
  }
  const clientId = () => h.account().clientId;
  const ask = (payload: unknown): Promise<Msg> => h.send('e', { payload });
  const caught = (payload: unknown): Promise<Msg> => h.send('e', { payload }, 'caught');
  const code = (msg: Msg) => (msg.error as { code?: string } | undefined)?.code;
  /** The heater's lifetime, from its own daily history of every year (not from `total`). */
  function lifetimeTruth(): Totals {
    const days: EnergyDay[] = [];
    for (let y = year - 3; y <= year; y++)
      for (const m of heater.energyUsage(y, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]).usage)
        days.push(...m.data);
    return expectTotals(days);
  }
  function envelope(suffix: string, replyTopic: string, request: Record<string, unknown>) {
    const topic = `cmd/52/navilink-${mac}/${suffix}`;
    return {
      topic,
      clientID: clientId(),
      sessionID: h.account().sessionId,
      protocolVersion: 2,
      requestTopic: topic,
      responseTopic: replyTopic,
      request: {
        deviceType: 52,
        macAddress: mac,
        additionalValue: heater.additionalValue,
        ...request,
      },
    };
  }

  it('daily (the default) keeps its form and adds the lifetime totals from the answer', async function () {
    await load();
    const month = new Date().getMonth() + 1;
    const msg = await ask({ year, month });
    assert.equal(msg.topic, `navien/${mac}/energy`);
    const p = msg.payload as {
      report: string;
      year: number;
      months: { totals: Totals }[];
      lifetime: Totals;
    };
    assert.equal(p.report, 'daily');
    assert.equal(p.year, year);
    const days = heater.energyUsage(year, [month]).usage[0].data;
    assert.deepEqual(p.months[0].totals, expectTotals(days));
    assert.deepEqual(p.lifetime, lifetimeTruth());
    assert.ok(p.lifetime.totalWh! > p.months[0].totals.totalWh!, 'lifetime is not the month');
  });

  it('monthly: the wire message, then twelve months per year equal to the sums of the days', async function () {
    await load({ report: 'monthly' });
    const msg = await ask({ years: [year - 1, year] });
    const asked = wires.filter((w) => w.topic.endsWith('/st/energy-usage-monthly-query/rd'));
    assert.deepEqual(asked, [
      envelope(
        'st/energy-usage-monthly-query/rd',
        `cmd/52/${clientId()}/res/energy-usage-monthly-query/rd`,
        { command: 16777226, year: [year - 1, year] },
      ),
    ]);
    assert.equal(msg.topic, `navien/${mac}/energy/monthly`);
    const p = msg.payload as {
      report: string;
      years: {
        year: number;
        reported: boolean;
        months: (Totals & { month: number })[];
        totals: Totals;
      }[];
      lifetime: Totals;
    };
    assert.equal(p.report, 'monthly');
    assert.deepEqual(
      p.years.map((y) => y.year),
      [year - 1, year],
    );
    for (const y of p.years) {
      assert.equal(y.reported, true);
      assert.equal(y.months.length, 12);
      const allDays: EnergyDay[] = [];
      y.months.forEach((row, i) => {
        const days = heater.energyUsage(y.year, [i + 1]).usage[0].data;
        allDays.push(...days);
        assert.deepEqual(row, { month: i + 1, ...expectTotals(days) }, `${y.year}-${i + 1}`);
      });
      assert.deepEqual(y.totals, expectTotals(allDays));
    }
    assert.ok(p.years[0].totals.totalWh! > 0, 'last year has history');
    assert.deepEqual(p.lifetime, lifetimeTruth());
  });

  it('msg.payload.report picks the report when the node leaves it empty; {year} asks one year', async function () {
    await load({ report: '' });
    const msg = await ask({ report: 'monthly', year });
    assert.equal((msg.payload as { report: string }).report, 'monthly');
    const asked = wires.find((w) => w.topic.endsWith('/st/energy-usage-monthly-query/rd'));
    assert.deepEqual(asked?.request.year, [year]);
    const daily = await ask({ report: 'daily', year, month: 1 });
    assert.equal((daily.payload as { report: string }).report, 'daily');
  });

  it("the node's Report wins over msg.payload.report, with one warning", async function () {
    await load({ report: 'daily' });
    // The test helper wraps every node's warn in a spy.
    const { warn } = h.node<{ warn: SinonSpy }>('e');
    const msg = await ask({ report: 'lifetime', year, month: 1 });
    assert.equal((msg.payload as { report: string }).report, 'daily');
    await ask({ report: 'lifetime', year, month: 1 });
    assert.equal(warn.callCount, 1);
    assert.match(String(warn.firstCall.args[0]), /node's setting wins/);
    assert.equal(wires.filter((w) => w.topic.endsWith('/st/td/rd')).length, 0);
  });

  it('lifetime: counters asked with the five-segment reply topic, decoded under plain names', async function () {
    await load({ report: 'lifetime' });
    const msg = await ask('');
    const homeSeq = h.sim.rest.devices()[0].deviceInfo.homeSeq;
    const asked = wires.filter((w) => w.topic.endsWith('/st/td/rd'));
    assert.deepEqual(asked, [
      envelope('st/td/rd', `cmd/52/${homeSeq}/0/${clientId()}/res/td/rd`, { command: 16777228 }),
    ]);
    assert.equal(msg.topic, `navien/${mac}/energy/lifetime`);
    const p = msg.payload as {
      report: string;
      counters: Record<string, number | null>;
      units: Record<string, string>;
      typeOfTD: number;
    };
    const raw = heater.installerCounters().data;
    const life = lifetimeTruth();
    assert.equal(p.report, 'lifetime');
    assert.equal(p.typeOfTD, 2);
    assert.equal(p.counters.heatPumpWh, life.heatPumpWh);
    assert.equal(p.counters.elementWh, life.elementWh);
    assert.equal(p.counters.heatPumpHours, life.heatPumpHours);
    assert.equal(
      p.counters.elementHours,
      raw.taData.cumulatedOpTimeUhe + raw.taData.cumulatedOpTimeLhe,
    );
    assert.equal(p.counters.compressorStarts, raw.taData.cumulatedOpNumComp);
    assert.equal(
      p.counters.elementStarts,
      raw.taData.cumulatedOpNumUhe + raw.taData.cumulatedOpNumLhe,
    );
    assert.equal(p.counters.daysInService, raw.tsData.daysSinceInstallation);
    assert.equal(p.counters.waterLeakEvents, 0);
    assert.equal(p.units.heatPumpWh, 'Wh');
    assert.equal(p.units.compressorStarts, 'count');
    assert.ok(!('avrageRecoveryTime' in p.counters), 'vendor spellings stay out');
  });

  it('bad report or years: NAVIEN_INVALID_INPUT and nothing published', async function () {
    await load({ report: '' });
    assert.equal(code(await caught({ report: 'weekly' })), 'NAVIEN_INVALID_INPUT');
    assert.equal(code(await caught({ report: 'monthly', years: [1999] })), 'NAVIEN_INVALID_INPUT');
    assert.equal(code(await caught({ report: 'monthly', years: 2026 })), 'NAVIEN_INVALID_INPUT');
    assert.deepEqual(wires, []);
  });

  it('a heater listed online that does not answer gives NAVIEN_TIMEOUT for monthly and lifetime', async function () {
    heater.connected = false; // silent on MQTT, still connected in the device list
    await load({ report: '' });
    for (const report of ['monthly', 'lifetime']) {
      const msg = await caught({ report });
      assert.equal(code(msg), 'NAVIEN_TIMEOUT', report);
      assert.match((msg.error as { message: string }).message, /did not send its/);
    }
  });

  it('a heater the cloud lists as offline gives NAVIEN_DEVICE_OFFLINE for every report', async function () {
    const offline = await h.startSimulator({ devices: 1, offline: 1, speed: 0 });
    const offMac = [...offline.heaters.keys()][0];
    await h.load(
      [{ id: 'e', type: 'navien-energy', account: 'acc', device: offMac, report: '', wires: [[]] }],
      { cloud: offline },
    );
    for (const report of ['daily', 'monthly', 'lifetime']) {
      const msg = await caught({ report });
      assert.equal(code(msg), 'NAVIEN_DEVICE_OFFLINE', report);
    }
  });
});
