import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import sinon from 'sinon';
import { NavienMqtt } from '../../src/navien/mqtt/connection';
import { DeviceChannel } from '../../src/navien/mqtt/device-channel';
import { Command, type RequestEnvelope } from '../../src/navien/mqtt/envelope';
import { decodeStatus } from '../../src/navien/decode/status';
import {
  DeviceStatusStream,
  type StatusUpdate,
  type StreamHost,
} from '../../src/navien/status/stream';
import { sameStatus } from '../../src/navien/status/compare';
import { startBroker, type TestBroker } from '../../src/simulator/broker';
import { silentLogger } from '../../src/navien/types';
import { afterFlush, credentials, nextEvent, waitFor } from '../support/mqtt-helpers';

const DEVICE = { macAddress: 'a4c1382f09be', additionalValue: '7781', deviceType: 52 };
const IDS = { clientId: 'navien-client-stream1', sessionId: '0f3c9d4e2b7a41c8a6e5d1b09c8f7a63' };
const WILDCARD = `cmd/52/navilink-${DEVICE.macAddress}/#`;

describe('DeviceStatusStream over the loopback broker', function () {
  this.timeout(15000);
  let broker: TestBroker;
  let mqtt: NavienMqtt;
  let statusRequests: number;
  let subscribes: string[];
  let unsubscribes: string[];
  let host: StreamHost;
  let stream: DeviceStatusStream;
  let emptied: number;

  beforeEach(async () => {
    broker = await startBroker();
    statusRequests = 0;
    subscribes = [];
    unsubscribes = [];
    broker.onSubscribe((subs) => subscribes.push(...subs.map((s) => s.topic)));
    broker.aedes.on('unsubscribe', (topics: string[]) => unsubscribes.push(...topics));
    // The fake heater answers status requests on the envelope's responseTopic.
    broker.onPublish((p) => {
      const body = JSON.parse(p.payload.toString()) as RequestEnvelope;
      if (body.request?.command !== Command.STATUS_REQUEST) return;
      statusRequests++;
      const response = {
        ...body.request,
        status: { command: 67108883, dhwTemperature: 118, temperatureType: 2, errorCode: 0 },
      };
      setTimeout(() => void broker.publish(body.responseTopic, { response }, 1), 5);
    });
    mqtt = new NavienMqtt({
      url: broker.url,
      clientId: IDS.clientId,
      credentials: () => credentials('AKIDSTREAM'),
      renewCredentials: () => Promise.resolve(),
      backoff: { initialMs: 100 },
      connectTimeoutMs: 2000,
    });
    mqtt.acquire();
    await nextEvent(mqtt, 'connected');
    host = {
      connection: () => mqtt,
      channel: (device) => new DeviceChannel(mqtt, device, IDS),
      rememberFeature: () => undefined,
      logger: silentLogger,
    };
    emptied = 0;
    stream = new DeviceStatusStream(host, DEVICE, 'Garage', () => emptied++);
  });

  afterEach(async () => {
    sinon.restore();
    await mqtt.close();
    await broker.close();
  });

  it('parses each MQTT message once and decodes it once per unit setting, for any number of listeners', async () => {
    const parse = sinon.spy(JSON, 'parse');
    const decode = sinon.spy(decodeStatus);
    host.decode = decode;
    const got: StatusUpdate[][] = [];
    const subs = ['auto', 'auto', 'auto', 'auto', 'C', 'C', 'F'].map((units, i) => {
      got.push([]);
      return stream.add({
        units: units as 'auto' | 'C' | 'F',
        intervalS: 0,
        onStatus: (u) => got[i].push(u),
      });
    });
    await waitFor(() => got.every((g) => g.length === 1), {
      what: 'one status for every listener',
    });
    assert.equal(statusRequests, 1, 'seven listeners joining together cost one request');
    const answerParses = parse
      .getCalls()
      .filter((c) => typeof c.args[0] === 'string' && c.args[0].includes('"response"'));
    assert.equal(answerParses.length, 1, 'the answer is parsed once');
    assert.equal(decode.callCount, 3, 'decoded once per unit setting (auto, C, F)');
    assert.equal(got[0][0].status, got[3][0].status, 'the same units share one decoded object');
    assert.notEqual(got[0][0].status, got[4][0].status);
    assert.equal(got[4][0].status.dhwTemperature, 118 / 2);
    assert.equal(got[0][0].status.deviceName, 'Garage');
    assert.equal(subscribes.filter((t) => t === WILDCARD).length, 1, 'one subscription');
    for (const s of subs) s.close();
  });

  it('hands out a frozen status: a listener cannot change what another receives', async () => {
    const mutationErrors: unknown[] = [];
    const second: StatusUpdate[] = [];
    const a = stream.add({
      units: 'auto',
      intervalS: 0,
      onStatus: (u) => {
        try {
          (u.status as Record<string, unknown>).dhwTemperature = 1;
        } catch (err) {
          mutationErrors.push(err);
        }
      },
    });
    const b = stream.add({ units: 'auto', intervalS: 0, onStatus: (u) => second.push(u) });
    await waitFor(() => second.length === 1, { what: 'status' });
    assert.equal(mutationErrors.length, 1);
    assert.ok(mutationErrors[0] instanceof TypeError);
    assert.equal(second[0].status.dhwTemperature, 138.2, '59 °C shown in °F, untouched');
    assert.ok(Object.isFrozen(second[0].status));
    assert.equal(b.latest()?.status.dhwTemperature, 138.2);
    a.close();
    b.close();
  });

  it("gives every listener's copy() an object of its own, one decode for all of them", async () => {
    const decode = sinon.spy(decodeStatus);
    host.decode = decode;
    const copies: Record<string, unknown>[] = [];
    const updates: StatusUpdate[] = [];
    const subs = [0, 1, 2].map((i) =>
      stream.add({
        units: 'auto',
        intervalS: 0,
        onStatus: (u) => {
          updates.push(u);
          const payload = u.copy();
          // A flow editing its payload at once, before the next listener is served.
          payload.dhwTemperature = i;
          payload.extra = i;
          copies.push(payload);
        },
      }),
    );
    await waitFor(() => copies.length === 3, { what: 'three copies' });
    assert.equal(decode.callCount, 1, 'three copies of one decode');
    assert.deepEqual(
      copies.map((c) => [c.dhwTemperature, c.extra]),
      [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
    );
    assert.equal(new Set(copies).size, 3, 'three distinct objects');
    for (const c of copies) assert.ok(!Object.isFrozen(c));
    // The shared status and a later listener still see the heater's values, in the same order.
    const expected = decodeStatus(
      { command: 67108883, dhwTemperature: 118, temperatureType: 2, errorCode: 0 },
      { units: 'auto' },
      {
        macAddress: DEVICE.macAddress,
        deviceName: 'Garage',
        receivedAt: updates[0].status.receivedAt,
      },
    );
    assert.deepEqual(updates[0].status, expected);
    assert.deepEqual(Object.keys(copies[2]), [...Object.keys(expected), 'extra']);
    assert.ok(Object.isFrozen(updates[0].status));
    assert.deepEqual(subs[0].latest()?.copy(), expected);
    assert.equal(subs[0].latest()?.status.dhwTemperature, 138.2);
    for (const s of subs) s.close();
  });

  it('the last close unsubscribes at the broker and lets the stream go; close is idempotent', async () => {
    const a = stream.add({ units: 'auto', intervalS: 0, onStatus: () => undefined });
    const b = stream.add({ units: 'F', intervalS: 0, onStatus: () => undefined });
    await waitFor(() => subscribes.includes(WILDCARD), { what: 'subscription' });
    a.close();
    a.close();
    assert.equal(emptied, 0);
    await afterFlush(mqtt);
    assert.deepEqual(unsubscribes, [], 'still one listener');
    b.close();
    assert.equal(emptied, 1);
    await waitFor(() => unsubscribes.includes(WILDCARD), { what: 'UNSUBSCRIBE at the broker' });
    assert.equal(b.latest(), undefined);
  });

  it('requestNow rejects NAVIEN_MQTT_UNAVAILABLE while disconnected and asks again after a reconnect', async () => {
    const got: StatusUpdate[] = [];
    const sub = stream.add({ units: 'auto', intervalS: 0, onStatus: (u) => got.push(u) });
    await waitFor(() => got.length === 1, { what: 'first status' });
    await broker.stop();
    await waitFor(() => mqtt.state !== 'connected', { what: 'disconnect' });
    await assert.rejects(sub.requestNow(), { code: 'NAVIEN_MQTT_UNAVAILABLE' });
    await broker.start();
    await waitFor(() => got.length === 2, { what: 'a status after the reconnect' });
    sub.close();
  });
});

describe('DeviceStatusStream polling (fake clock)', function () {
  let clock: sinon.SinonFakeTimers;
  let requests: number;
  let closedChannels: number;
  let fakeMqtt: EventEmitter & { state: string; acquire(): void; release(): void; refs: number };
  let host: StreamHost;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_700_000_000_000 });
    requests = 0;
    closedChannels = 0;
    fakeMqtt = Object.assign(new EventEmitter(), {
      state: 'connected',
      refs: 0,
      acquire() {
        this.refs++;
      },
      release() {
        this.refs--;
      },
    });
    host = {
      connection: () => fakeMqtt as unknown as NavienMqtt,
      channel: () => {
        const ch = new EventEmitter() as unknown as DeviceChannel;
        Object.assign(ch, {
          open: () => Promise.resolve(),
          requestStatus: () => {
            requests++;
            return Promise.resolve();
          },
          close: () => closedChannels++,
        });
        return ch;
      },
      rememberFeature: () => undefined,
      logger: silentLogger,
    };
  });
  afterEach(() => clock.restore());

  it('polls once per period at the shortest interval any listener asked for, and stops with the last', async () => {
    const stream = new DeviceStatusStream(host, DEVICE, '', () => undefined);
    const slow = stream.add({ units: 'auto', intervalS: 300, onStatus: () => undefined });
    const many = Array.from({ length: 20 }, () =>
      stream.add({ units: 'auto', intervalS: 30, onStatus: () => undefined }),
    );
    const none = stream.add({ units: 'C', intervalS: 0, onStatus: () => undefined });
    await clock.tickAsync(0);
    assert.equal(requests, 1, 'joining together: one request');
    await clock.tickAsync(30_000);
    assert.equal(requests, 2, '22 listeners, one request per 30 s');
    await clock.tickAsync(90_000);
    assert.equal(requests, 5);
    for (const s of many) s.close();
    const before = Number(requests);
    await clock.tickAsync(299_000);
    assert.equal(requests, before, 'back to the 300 s listener');
    await clock.tickAsync(1_000);
    assert.equal(requests, before + 1);
    slow.close();
    await clock.tickAsync(600_000);
    assert.equal(requests, before + 1, 'an interval of 0 never polls');
    fakeMqtt.emit('connected');
    assert.equal(requests, before + 2, 'every (re)connect asks');
    none.close();
    assert.equal(closedChannels, 1);
    assert.equal(fakeMqtt.refs, 0, 'the connection hold is released');
    assert.equal(fakeMqtt.listenerCount('connected'), 0);
  });

  it('a listener joining right after an answer gets that answer instead of a new request', async () => {
    const stream = new DeviceStatusStream(host, DEVICE, '', () => undefined);
    let channel: EventEmitter | undefined;
    const realChannel = host.channel.bind(host);
    host.channel = (d) =>
      (channel = realChannel(d) as unknown as EventEmitter) as unknown as DeviceChannel;
    const a = stream.add({ units: 'auto', intervalS: 0, onStatus: () => undefined });
    await clock.tickAsync(0);
    channel?.emit('status', { dhwTemperature: 100 }, Date.now());
    await clock.tickAsync(500);
    const late: StatusUpdate[] = [];
    const b = stream.add({ units: 'C', intervalS: 0, onStatus: (u) => late.push(u) });
    await clock.tickAsync(0);
    assert.equal(requests, 1);
    assert.equal(late.length, 1);
    assert.equal(late[0].status.dhwTemperature, 50);
    await clock.tickAsync(5_000);
    const c = stream.add({ units: 'C', intervalS: 0, onStatus: () => undefined });
    await clock.tickAsync(0);
    assert.equal(requests, 2, 'later joiners ask again');
    for (const s of [a, b, c]) s.close();
  });
});

describe('sameStatus', () => {
  it('ignores receivedAt, sees any other change, and compares units maps by value', () => {
    const units = { dhwTemperature: '°F' };
    const a = { units, temperatureUnit: '°F' as const, dhwTemperature: 120, receivedAt: 'x' };
    assert.ok(sameStatus(a, { ...a, receivedAt: 'y' }));
    assert.ok(sameStatus(a, { ...a, units: { ...units } }));
    assert.ok(!sameStatus(a, { ...a, dhwTemperature: 121 }));
    assert.ok(!sameStatus(a, { ...a, extra: 1 }));
    assert.ok(!sameStatus({ ...a, extra: 1 }, a));
    assert.ok(!sameStatus(a, { ...a, units: { dhwTemperature: '°C' } }));
    assert.ok(!sameStatus(undefined, a));
  });
});
