import { strict as assert } from 'node:assert';
import { NavienError } from '../../src/navien/errors';
import { NavienMqtt } from '../../src/navien/mqtt/connection';
import { DeviceChannel } from '../../src/navien/mqtt/device-channel';
import { Command, type RequestEnvelope } from '../../src/navien/mqtt/envelope';
import { startBroker, type TestBroker } from '../../src/simulator/broker';
import { afterFlush, credentials, nextEvent, roundTrip, waitFor } from '../support/mqtt-helpers';

const DEVICE = { macAddress: 'a4c1382f09be', additionalValue: '7781', deviceType: 52 };
const IDS = { clientId: 'navien-client-5c7e21ab', sessionId: '0f3c9d4e2b7a41c8a6e5d1b09c8f7a63' };

describe('DeviceChannel over the loopback broker', function () {
  this.timeout(15000);
  let broker: TestBroker;
  let mqtt: NavienMqtt;
  let requests: { topic: string; body: RequestEnvelope }[];

  beforeEach(async () => {
    broker = await startBroker();
    requests = [];
    // The fake device: answers requests on the envelope's responseTopic, as the cloud does.
    broker.onPublish((p) => {
      const body = JSON.parse(p.payload.toString()) as RequestEnvelope;
      if (!body.request) return;
      requests.push({ topic: p.topic, body });
      const response = { ...body.request } as Record<string, unknown>;
      if (body.request.command === Command.STATUS_REQUEST) {
        response.status = { command: 67108883, dhwTemperature: 118, temperatureType: 2 };
      } else if (body.request.command === Command.DEVICE_INFO_REQUEST) {
        if (body.request.additionalValue === 'silent') return;
        response.feature = { volumeCode: 2, controllerSerialNumber: 'SERIAL1' };
      } else {
        return;
      }
      setTimeout(() => {
        void broker.publish(body.responseTopic, { ...body, request: undefined, response }, 1);
      }, 5);
    });
    mqtt = new NavienMqtt({
      url: broker.url,
      clientId: IDS.clientId,
      credentials: () => credentials('AKIDCHAN'),
      renewCredentials: () => Promise.resolve(),
      backoff: { initialMs: 100 },
      connectTimeoutMs: 2000,
    });
    mqtt.acquire();
    await nextEvent(mqtt, 'connected');
  });

  afterEach(async () => {
    await mqtt.close();
    await broker.close();
  });

  it('requests status with the §6.7 envelope and emits the answer, ignoring its own echo', async () => {
    const ch = new DeviceChannel(mqtt, DEVICE, IDS);
    const statuses: Record<string, unknown>[] = [];
    const others: unknown[] = [];
    ch.on('status', (s, at) => {
      assert.ok(at > 0);
      statuses.push(s);
    });
    ch.on('other', (r) => others.push(r));
    await ch.open();
    await ch.requestStatus();
    await waitFor(() => statuses.length === 1, { what: 'status' });
    await roundTrip(mqtt); // the echo of our request, if any, has arrived by now
    assert.equal(statuses.length, 1, 'the echoed request must not count');
    assert.deepEqual(others, []);
    assert.equal(statuses[0].dhwTemperature, 118);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].topic, 'cmd/52/navilink-a4c1382f09be/st');
    assert.deepEqual(requests[0].body, {
      clientID: IDS.clientId,
      sessionID: IDS.sessionId,
      protocolVersion: 2,
      requestTopic: 'cmd/52/navilink-a4c1382f09be/st',
      responseTopic: 'cmd/52/navilink-a4c1382f09be/navien-client-5c7e21ab/res',
      request: {
        command: 16777219,
        deviceType: 52,
        macAddress: 'a4c1382f09be',
        additionalValue: '7781',
      },
    });
    ch.close();
  });

  it('resolves requestFeatures with the next feature record', async () => {
    const ch = new DeviceChannel(mqtt, DEVICE, IDS);
    await ch.open();
    const feature = await ch.requestFeatures(2000);
    assert.equal(feature.controllerSerialNumber, 'SERIAL1');
    assert.equal(requests[0].topic, 'cmd/52/navilink-a4c1382f09be/st/did');
    assert.equal(requests[0].body.request.command, 16777217);
    ch.close();
  });

  it('times out requestFeatures with NAVIEN_TIMEOUT', async () => {
    const ch = new DeviceChannel(mqtt, { ...DEVICE, additionalValue: 'silent' }, IDS);
    await ch.open();
    await assert.rejects(ch.requestFeatures(300), (e: NavienError) => e.code === 'NAVIEN_TIMEOUT');
    ch.close();
  });

  it('publishes control commands with mode, param and an empty paramStr', async () => {
    const ch = new DeviceChannel(mqtt, DEVICE, IDS);
    await ch.open();
    await ch.sendControl(Command.DHW_TEMPERATURE, 'dhw-temperature', [109]);
    await waitFor(() => requests.length === 1, { what: 'control request' });
    assert.equal(requests[0].topic, 'cmd/52/navilink-a4c1382f09be/ctrl');
    assert.deepEqual(requests[0].body.request, {
      command: 33554464,
      deviceType: 52,
      macAddress: 'a4c1382f09be',
      additionalValue: '7781',
      mode: 'dhw-temperature',
      param: [109],
      paramStr: '',
    });
    ch.close();
  });

  it('drops malformed payloads and keeps going', async () => {
    const ch = new DeviceChannel(mqtt, DEVICE, IDS);
    const malformed: string[] = [];
    const statuses: unknown[] = [];
    ch.on('malformed', (reason) => malformed.push(reason));
    ch.on('status', (s) => statuses.push(s));
    await ch.open();
    await broker.publish('cmd/52/navilink-a4c1382f09be/x/res', 'not json {');
    await broker.publish('cmd/52/navilink-a4c1382f09be/x/res', '42');
    await broker.publish('cmd/52/navilink-a4c1382f09be/x/res', {
      response: { st: { dhwTemperature: 1 } },
    });
    await waitFor(() => statuses.length === 1, { what: 'status after garbage' });
    assert.equal(malformed.length, 2);
    assert.match(malformed[0], /not JSON/);
    ch.close();
  });

  it('shares one broker subscription between channels and removes it when the last closes', async () => {
    const subscribed: string[] = [];
    const unsubscribed: string[] = [];
    broker.onSubscribe((subs) => subscribed.push(...subs.map((s) => s.topic)));
    broker.aedes.on('unsubscribe', (topics: string[]) => unsubscribed.push(...topics));
    const a = new DeviceChannel(mqtt, DEVICE, IDS);
    const b = new DeviceChannel(mqtt, DEVICE, IDS);
    const gotA: unknown[] = [];
    const gotB: unknown[] = [];
    a.on('status', (s) => gotA.push(s));
    b.on('status', (s) => gotB.push(s));
    await a.open();
    await b.open();
    assert.deepEqual(subscribed, ['cmd/52/navilink-a4c1382f09be/#']);
    await a.requestStatus();
    await waitFor(() => gotA.length === 1 && gotB.length === 1, { what: 'both channels' });
    a.close();
    await afterFlush(mqtt);
    assert.deepEqual(unsubscribed, []);
    assert.equal(a.listenerCount('status'), 0);
    b.close();
    await waitFor(() => unsubscribed.length === 1, { what: 'UNSUBSCRIBE' });
    assert.deepEqual(mqtt.subscribedTopics(), []);
  });

  it('refuses requests before open() and after close()', async () => {
    const ch = new DeviceChannel(mqtt, DEVICE, IDS);
    await assert.rejects(ch.requestStatus(), (e: NavienError) => e.code === 'NAVIEN_INVALID_INPUT');
    await ch.open();
    ch.close();
    await assert.rejects(ch.requestStatus(), (e: NavienError) => e.code === 'NAVIEN_CANCELLED');
  });
});
