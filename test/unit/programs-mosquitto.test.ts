// The weekly program and TOU write exchanges (src/navien/programs.ts) through Debian's mosquitto,
// a broker that shares no code with the simulator: a plain MQTT client plays the heater, answering
// with the simulated heater's program logic on the client-keyed reply topics.
import assert from 'node:assert/strict';
import { connect, type MqttClient } from 'mqtt';
import { NavienMqtt } from '../../src/navien/mqtt/connection';
import { readSchedule, writeSchedule, writeTou, type ProgramLink } from '../../src/navien/programs';
import { Heater } from '../../src/simulator/heater';
import { answerProgramRequest, programsOf } from '../../src/simulator/heater-programs';
import { startMosquitto, type MosquittoHandle } from '../support/mosquitto';
import { credentials, nextEvent } from '../support/mqtt-helpers';
import { skipUnlessCi } from '../support/skip-unless-ci';
import { rejection } from '../support/wait';

const MAC = 'a4c1382f09be';

interface Envelope {
  clientID: string;
  responseTopic: string;
  request: Record<string, unknown> & { command: number };
}

describe('weekly program and TOU write through Debian mosquitto', function () {
  this.timeout(20_000);
  let mosq: MosquittoHandle | undefined;
  let mqtt: NavienMqtt | undefined;
  let device: MqttClient | undefined;
  let heater: Heater;
  let link: ProgramLink;
  /** What the broker delivered to the heater: topic and envelope. */
  const received: { topic: string; env: Envelope }[] = [];
  /** The MAC the fake heater names in its replies (another device's, to test the filter). */
  let replyMac = MAC;

  before(async function () {
    mosq = await startMosquitto();
    if (!mosq) skipUnlessCi(this, '/usr/sbin/mosquitto is not installed');
    heater = new Heater({ mac: MAC, seed: 3, autoDraws: false });
    device = connect(mosq.tcpUrl, { clientId: 'fake-heater', reconnectPeriod: 0 });
    await new Promise<void>((resolve) => device!.once('connect', () => resolve()));
    device.on('message', (topic, payload) => {
      const env = JSON.parse(payload.toString('utf8')) as Envelope;
      received.push({ topic, env });
      const suffix = topic.slice(`cmd/52/navilink-${MAC}/`.length);
      for (const reply of answerProgramRequest(heater, suffix, env.request) ?? []) {
        void device!.publishAsync(
          `cmd/52/${env.clientID}/res/${reply.suffix}`,
          JSON.stringify({ response: { macAddress: replyMac, ...reply.response } }),
          { qos: 1 },
        );
      }
    });
    await device.subscribeAsync(`cmd/52/navilink-${MAC}/#`, { qos: 1 });
    mqtt = new NavienMqtt({
      url: mosq.wsUrl,
      clientId: 'navien-programs',
      credentials: () => credentials('AKIDPROG'),
      renewCredentials: () => Promise.resolve(),
      backoff: { initialMs: 100 },
      connectTimeoutMs: 2000,
    });
    mqtt.acquire();
    await nextEvent(mqtt, 'connected');
    link = {
      mqtt,
      ids: { clientId: 'navien-programs', sessionId: 's1' },
      device: { macAddress: MAC, additionalValue: '7781', deviceType: 52 },
    };
  });

  after(async () => {
    mqtt?.release();
    await mqtt?.close();
    await device?.endAsync(true);
    await mosq?.stop();
  });

  beforeEach(() => {
    received.length = 0;
    replyMac = MAC;
    if (heater) programsOf(heater).ignoreWrites = false;
  });

  it('reads, then writes a program confirmed by the heater; the wire carries the full list', async () => {
    const before = await readSchedule(link, 5000);
    assert.deepEqual(before, programsOf(heater).schedule);
    const program = {
      reservationUse: 2,
      reservation: [
        { enable: 2, week: 124, hour: 6, min: 30, mode: 4, param: 120 },
        { enable: 1, week: 130, hour: 8, min: 0, mode: 3, param: 110 },
      ],
    };
    assert.deepEqual(await writeSchedule(link, program, 5000), program);
    const write = received.find((r) => r.topic.endsWith('/ctrl/rsv/rd'));
    assert.equal(write?.env.request.command, 16777226);
    assert.equal(write?.env.responseTopic, 'cmd/52/navien-programs/res/rsv/rd');
    assert.equal(write?.env.request.reservationUse, 2);
    assert.deepEqual(write?.env.request.reservation, program.reservation);
    assert.deepEqual(programsOf(heater).schedule, program);
  });

  it('a heater that drops the write: read back, then NAVIEN_TIMEOUT', async () => {
    programsOf(heater).ignoreWrites = true;
    const error = await rejection(writeSchedule(link, { reservationUse: 1, reservation: [] }, 800));
    assert.equal(error.code, 'NAVIEN_TIMEOUT');
    assert.deepEqual(
      received.map((r) => r.topic.split('/').slice(3).join('/')),
      ['ctrl/rsv/rd', 'st/rsv/rd'],
    );
  });

  it('TOU write: serial and plan on the wire, confirmed by the echo', async () => {
    const plan = {
      reservationUse: 2,
      reservation: [
        {
          season: 4095,
          week: 254,
          startHour: 0,
          startMinute: 0,
          endHour: 23,
          endMinute: 59,
          priceMin: 15000,
          priceMax: 15000,
          decimalPoint: 5,
        },
      ],
    };
    assert.deepEqual(await writeTou(link, plan, 'SERIAL-1', 5000), plan);
    const [write] = received;
    assert.equal(write?.topic, `cmd/52/navilink-${MAC}/ctrl/tou/rd`);
    assert.equal(write?.env.request.command, 33554439);
    assert.equal(write?.env.request.controllerSerialNumber, 'SERIAL-1');
    assert.deepEqual(write?.env.request.reservation, plan.reservation);
  });

  it('a matching echo that names another heater does not confirm (the reply topics are shared)', async () => {
    replyMac = 'a4c1382f0000';
    const plan = { reservationUse: 1, reservation: [] };
    const error = await rejection(writeSchedule(link, plan, 600));
    assert.equal(error.code, 'NAVIEN_TIMEOUT');
    assert.deepEqual(programsOf(heater).schedule, plan, 'the heater did take it');
  });
});
