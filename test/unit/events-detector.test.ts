import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { decodeStatus, type UnitChoice } from '../../src/navien/decode/status';
import {
  EventDetector,
  type DetectedEvent,
  type DetectorOptions,
} from '../../src/navien/events/detector';
import { parseEventSelection } from '../../src/navien/events/names';
import { StaleWatch } from '../../src/node-red/stale-watch';

// A quiet heater in energy-saver mode at 120 °F (raw half-°C 98 = 49 °C), as the wire sends it.
const QUIET: Record<string, number> = {
  temperatureType: 2,
  dhwOperationSetting: 3,
  dhwTemperatureSetting: 98,
  compUse: 1,
  heatUpperUse: 1,
  heatLowerUse: 1,
  errorCode: 0,
  subErrorCode: 0,
  wtrOvrSensorUse: 1,
  dhwUse: 1,
  dhwUseSustained: 1,
  dhwChargePer: 80,
};

const DEVICE = { macAddress: 'a4c1382f09be', deviceName: 'Garage HPWH' };
const T0 = Date.UTC(2026, 11, 2, 14, 3, 0);

function detector(opts: Partial<DetectorOptions> = {}, clock = () => T0): EventDetector {
  return new EventDetector(DEVICE, { lowCharge: 25, initial: false, now: clock, ...opts });
}

function status(changes: Record<string, number> = {}, units: UnitChoice = 'auto') {
  return decodeStatus({ ...QUIET, ...changes }, { units });
}

const names = (events: DetectedEvent[]) => events.map((e) => e.payload.event);

describe('EventDetector', () => {
  it('the first status is the baseline: no events, and a repeat status gives none either', () => {
    const d = detector();
    assert.deepEqual(d.status(status({ compUse: 2, errorCode: 799, dhwChargePer: 5 })), []);
    assert.deepEqual(d.status(status({ compUse: 2, errorCode: 799, dhwChargePer: 5 })), []);
  });

  it('heating: started with its source, a switch is a start with the new source, then stopped', () => {
    const d = detector();
    d.status(status());
    const hp = d.status(status({ compUse: 2 }));
    assert.deepEqual(names(hp), ['heating-started']);
    assert.deepEqual(
      { ...hp[0].payload },
      {
        event: 'heating-started',
        macAddress: DEVICE.macAddress,
        deviceName: DEVICE.deviceName,
        at: new Date(T0).toISOString(),
        from: null,
        to: 'heat-pump',
        source: 'heat-pump',
      },
    );
    assert.equal(hp[0].status?.compUse, true, 'msg.status is the status that caused it');
    assert.deepEqual(d.status(status({ compUse: 2 })), [], 'still heating: no event');
    const el = d.status(status({ compUse: 1, heatUpperUse: 2 }));
    assert.deepEqual(
      el.map((e) => [e.payload.event, e.payload.from, e.payload.source]),
      [['heating-started', 'heat-pump', 'element']],
    );
    const both = d.status(status({ compUse: 2, heatLowerUse: 2 }));
    assert.equal(both[0].payload.source, 'heat-pump+element');
    const stop = d.status(status());
    assert.deepEqual(
      stop.map((e) => [e.payload.event, e.payload.from, e.payload.to, e.payload.source]),
      [['heating-stopped', 'heat-pump+element', null, 'heat-pump+element']],
    );
    assert.deepEqual(d.status(status()), []);
  });

  it('heating from currentHeatUse when the heater reports no compressor or element flags', () => {
    const d = detector();
    const bare = { ...QUIET, currentHeatUse: 0 } as Record<string, number>;
    delete bare.compUse;
    delete bare.heatUpperUse;
    delete bare.heatLowerUse;
    d.status(decodeStatus(bare));
    const ev = d.status(decodeStatus({ ...bare, currentHeatUse: 2 }));
    assert.deepEqual(
      ev.map((e) => [e.payload.event, e.payload.source]),
      [['heating-started', 'element']],
    );
  });

  it('an unreported (null) flag is not "stopped"', () => {
    const d = detector();
    d.status(status({ compUse: 2 }));
    assert.deepEqual(d.status(status({ compUse: 0 })), []);
  });

  it('mode by name, set-point in the node unit, power on/off', () => {
    const d = detector();
    d.status(status());
    const mode = d.status(status({ dhwOperationSetting: 1 }));
    assert.deepEqual(
      mode.map((e) => [e.payload.event, e.payload.from, e.payload.to]),
      [['mode-changed', 'energy-saver', 'heat-pump']],
    );
    const sp = d.status(status({ dhwOperationSetting: 1, dhwTemperatureSetting: 100 }));
    assert.deepEqual(
      sp.map((e) => [e.payload.event, e.payload.from, e.payload.to, e.payload.unit]),
      [['setpoint-changed', 120.2, 122, '°F']],
    );
    const off = d.status(status({ dhwOperationSetting: 6, dhwTemperatureSetting: 100 }));
    assert.deepEqual(
      off.map((e) => [e.payload.event, e.payload.from, e.payload.to]),
      [
        ['mode-changed', 'heat-pump', 'power-off'],
        ['power-changed', true, false],
      ],
    );
    const on = d.status(status({ dhwOperationSetting: 1, dhwTemperatureSetting: 100 }));
    assert.deepEqual(
      on.map((e) => [e.payload.event, e.payload.to]),
      [
        ['mode-changed', 'heat-pump'],
        ['power-changed', true],
      ],
    );
  });

  it('units: °C output gives °C set-points, and a switch of the display unit is no set-point change', () => {
    const c = detector();
    c.status(status({}, 'C'));
    const ev = c.status(status({ dhwTemperatureSetting: 110 }, 'C'));
    assert.deepEqual(
      ev.map((e) => [e.payload.from, e.payload.to, e.payload.unit]),
      [[49, 55, '°C']],
    );
    const auto = detector();
    auto.status(status({ temperatureType: 2 }));
    assert.deepEqual(auto.status(status({ temperatureType: 1 })), []);
    const next = auto.status(status({ temperatureType: 1, dhwTemperatureSetting: 100 }));
    assert.deepEqual(
      next.map((e) => [e.payload.from, e.payload.to, e.payload.unit]),
      [[49, 50, '°C']],
    );
  });

  it('errors: raised with code and text, a change of code is a clear and a raise, then cleared', () => {
    const d = detector();
    d.status(status());
    const raised = d.status(status({ errorCode: 515, subErrorCode: 27 }));
    assert.deepEqual(
      raised.map((e) => [e.payload.event, e.payload.code, e.payload.text, e.payload.from]),
      [['error-raised', 515, 'E515 relay (compressor)', null]],
    );
    assert.deepEqual(d.status(status({ errorCode: 515, subErrorCode: 27 })), []);
    const changed = d.status(status({ errorCode: 96 }));
    assert.deepEqual(
      changed.map((e) => [e.payload.event, e.payload.code, e.payload.from, e.payload.to]),
      [
        ['error-cleared', 515, 515, 96],
        ['error-raised', 96, 515, 96],
      ],
    );
    const cleared = d.status(status());
    assert.deepEqual(
      cleared.map((e) => [e.payload.event, e.payload.code, e.payload.text, e.payload.to]),
      [['error-cleared', 96, 'E96 upper element', null]],
    );
  });

  it('a tripped leak sensor is error-raised E799 even with no code; with the code it is one error', () => {
    const d = detector();
    d.status(status());
    const leak = d.status(status({ wtrOvrSensorUse: 2 }));
    assert.deepEqual(
      leak.map((e) => [e.payload.event, e.payload.code, e.payload.text]),
      [['error-raised', 799, 'E799 water leak']],
    );
    assert.deepEqual(d.status(status({ wtrOvrSensorUse: 2, errorCode: 799 })), []);
    assert.deepEqual(names(d.status(status())), ['error-cleared']);
  });

  it('draws: started and ended once, a sustained draw is still a draw', () => {
    const d = detector();
    d.status(status());
    assert.deepEqual(names(d.status(status({ dhwUse: 2 }))), ['draw-started']);
    assert.deepEqual(d.status(status({ dhwUse: 2, dhwUseSustained: 2 })), []);
    assert.deepEqual(d.status(status({ dhwUse: 1, dhwUseSustained: 2 })), []);
    const end = d.status(status());
    assert.deepEqual(
      end.map((e) => [e.payload.event, e.payload.from, e.payload.to]),
      [['draw-ended', true, false]],
    );
  });

  it('charge: low below the threshold, recovered only above threshold + 10 (no chatter)', () => {
    const d = detector({ lowCharge: 25 });
    d.status(status({ dhwChargePer: 40 }));
    assert.deepEqual(d.status(status({ dhwChargePer: 25 })), [], '25 is not below 25');
    const low = d.status(status({ dhwChargePer: 24 }));
    assert.deepEqual(
      low.map((e) => [e.payload.event, e.payload.from, e.payload.to, e.payload.threshold]),
      [['charge-low', 25, 24, 25]],
    );
    for (const level of [26, 20, 30, 35, 24, 35]) {
      assert.deepEqual(d.status(status({ dhwChargePer: level })), [], `no chatter at ${level}`);
    }
    const rec = d.status(status({ dhwChargePer: 36 }));
    assert.deepEqual(
      rec.map((e) => [e.payload.event, e.payload.to, e.payload.threshold]),
      [['charge-recovered', 36, 35]],
    );
    assert.deepEqual(d.status(status({ dhwChargePer: 30 })), []);
    assert.deepEqual(names(d.status(status({ dhwChargePer: 10 }))), ['charge-low']);
  });

  it('a baseline below the threshold counts as low: the next event is the recovery', () => {
    const d = detector();
    d.status(status({ dhwChargePer: 10 }));
    assert.deepEqual(d.status(status({ dhwChargePer: 5 })), []);
    assert.deepEqual(names(d.status(status({ dhwChargePer: 90 }))), ['charge-recovered']);
  });

  it('initial: the baseline status is reported as the current state', () => {
    const d = detector({ initial: true });
    const ev = d.status(status({ heatUpperUse: 2, errorCode: 799, dhwUse: 2, dhwChargePer: 10 }));
    assert.deepEqual(names(ev), [
      'online',
      'heating-started',
      'mode-changed',
      'setpoint-changed',
      'power-changed',
      'error-raised',
      'draw-started',
      'charge-low',
    ]);
    assert.ok(ev.every((e) => e.payload.from === null));
    assert.deepEqual(
      d.status(status({ heatUpperUse: 2, errorCode: 799, dhwUse: 2, dhwChargePer: 10 })),
      [],
    );
  });

  it('without initial, a quiet heater at start emits nothing; with it, only the settings', () => {
    assert.deepEqual(detector().status(status()), []);
    assert.deepEqual(names(detector({ initial: true }).status(status())), [
      'online',
      'mode-changed',
      'setpoint-changed',
      'power-changed',
    ]);
  });

  it('after a reconnect the next status is a new baseline', () => {
    const d = detector();
    d.status(status());
    d.resetBaseline();
    assert.deepEqual(d.status(status({ compUse: 2, errorCode: 96 })), []);
    assert.deepEqual(names(d.status(status({ errorCode: 96 }))), ['heating-stopped']);
  });

  it('a field the status leaves out keeps its value (no false edge)', () => {
    const d = detector();
    d.status(status({ dhwChargePer: 10 }));
    const partial = { ...QUIET } as Record<string, number>;
    delete partial.dhwChargePer;
    delete partial.errorCode;
    delete partial.wtrOvrSensorUse;
    assert.deepEqual(d.status(decodeStatus(partial)), []);
    assert.deepEqual(names(d.status(status({ dhwChargePer: 50 }))), ['charge-recovered']);
  });

  it('only the chosen events are reported', () => {
    const d = detector({ events: parseEventSelection(['error-raised']) });
    d.status(status());
    assert.deepEqual(names(d.status(status({ compUse: 2, errorCode: 96 }))), ['error-raised']);
    assert.equal(parseEventSelection([]).size, 13, 'empty selects all');
    assert.deepEqual([...parseEventSelection('online, nope,offline')], ['online', 'offline']);
  });

  it('offline once when stale, online once when a status arrives again', () => {
    let now = T0;
    const d = detector({}, () => now);
    d.status(status());
    now += 900_000;
    const off = d.offline('no-status');
    assert.deepEqual(
      off.map((e) => [
        e.payload.event,
        e.payload.from,
        e.payload.to,
        e.payload.reason,
        e.payload.lastStatusAt,
      ]),
      [['offline', 'online', 'offline', 'no-status', new Date(T0).toISOString()]],
    );
    assert.equal(off[0].payload.at, new Date(T0 + 900_000).toISOString());
    assert.equal(off[0].status, undefined);
    assert.deepEqual(d.offline('no-status'), []);
    assert.deepEqual(d.offline('cloud'), []);
    now += 5000;
    const on = d.status(status());
    assert.deepEqual(
      on.map((e) => [e.payload.event, e.payload.from, e.payload.to]),
      [['online', 'offline', 'online']],
    );
    assert.deepEqual(d.status(status()), []);
  });

  it('"cloud says disconnected" is offline, unless a status arrived within the last minute', () => {
    let now = T0;
    const d = detector({}, () => now);
    d.status(status());
    now += 30_000;
    assert.deepEqual(d.offline('cloud'), []);
    now += 31_000;
    assert.deepEqual(names(d.offline('cloud')), ['offline']);
  });

  it('a heater offline from the start is a baseline too (reported only with initial)', () => {
    const d = detector();
    assert.deepEqual(d.offline('cloud'), []);
    assert.ok(d.isOffline);
    assert.deepEqual(names(d.status(status())), ['online'], 'it coming online is an edge');
    const i = detector({ initial: true });
    assert.deepEqual(
      i.offline('cloud').map((e) => [e.payload.event, e.payload.from]),
      [['offline', null]],
    );
  });
});

describe('EventDetector with the StaleWatch navien-events uses', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0 });
  });
  afterEach(() => clock.restore());

  it('with a detector: offline after exactly staleAfter of silence, online on the next status', () => {
    const d = detector({}, Date.now);
    const events: string[] = [];
    const watch = new StaleWatch(60_000, () =>
      events.push(...d.offline('no-status').map((e) => `${e.payload.event}@${e.payload.at}`)),
    );
    d.status(status());
    watch.heard();
    clock.tick(59_999);
    assert.equal(events.length, 0);
    clock.tick(1);
    assert.deepEqual(events, [`offline@${new Date(T0 + 60_000).toISOString()}`]);
    events.push(...names(d.status(status())));
    watch.heard();
    assert.deepEqual(events.slice(1), ['online']);
    watch.stop();
  });
});
