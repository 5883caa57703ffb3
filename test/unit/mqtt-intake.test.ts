import { strict as assert } from 'node:assert';
import mqttjs, { type MqttClient } from 'mqtt';
import { NavienMqtt } from '../../src/navien/mqtt/connection';
import { MESSAGES_PER_TURN, paceIntake } from '../../src/navien/mqtt/intake';
import { clientOptions } from '../../src/navien/mqtt/transport';
import { startBroker, type TestBroker } from '../../src/simulator/broker';
import { credentials, nextEvent, waitFor } from '../support/mqtt-helpers';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('bounded MQTT intake (issue 11)', function () {
  this.timeout(15000);

  it('lets mqtt.js read on at once, except after every perTurn-th message: then in the next turn', async () => {
    const client = {} as MqttClient;
    paceIntake(client, 4);
    const done: number[] = [];
    for (let i = 1; i <= 10; i++) client.handleMessage({} as never, () => done.push(i));
    // The 4th and 8th message wait for the next turn; mqtt.js reads nothing more until then.
    assert.deepEqual(done, [1, 2, 3, 5, 6, 7, 9, 10]);
    await nextTurn();
    assert.deepEqual(done, [1, 2, 3, 5, 6, 7, 9, 10, 4, 8]);
  });

  describe('on a real connection', () => {
    let broker: TestBroker;
    let navien: NavienMqtt;
    let publisher: MqttClient;

    beforeEach(async () => {
      broker = await startBroker();
      navien = new NavienMqtt({
        url: broker.url,
        clientId: 'navien-client-intake',
        credentials: () => credentials('AKIDINTAKE'),
        renewCredentials: () => Promise.resolve(),
        connectTimeoutMs: 2000,
      });
      navien.acquire();
      await nextEvent(navien, 'connected');
      publisher = await mqttjs.connectAsync(broker.url, { clientId: 'burst', reconnectPeriod: 0 });
    });

    afterEach(async () => {
      await publisher.endAsync(true);
      await navien.close();
      await broker.close();
    });

    it('takes a burst of 300 messages in order, at most MESSAGES_PER_TURN per turn', async () => {
      const COUNT = 300;
      const seen: { index: number; turn: number }[] = [];
      let turn = 0;
      let counting = true;
      const count = (): void => {
        turn++;
        if (counting) setImmediate(count);
      };
      count();
      navien.subscribe('burst/#', (_topic, payload) => {
        seen.push({ index: Number(payload.toString()), turn });
      });
      await navien.whenSubscribed('burst/#');
      // One synchronous loop: the broker forwards them back to back, one socket read holds many.
      for (let i = 0; i < COUNT; i++) publisher.publish('burst/x', String(i), { qos: 0 });
      await waitFor(() => seen.length === COUNT, { timeout: 10_000, what: 'the whole burst' });
      counting = false;

      assert.deepEqual(
        seen.map((s) => s.index),
        Array.from({ length: COUNT }, (_, i) => i),
      );
      const perTurn = new Map<number, number>();
      for (const s of seen) perTurn.set(s.turn, (perTurn.get(s.turn) ?? 0) + 1);
      const most = Math.max(...perTurn.values());
      assert.ok(most <= MESSAGES_PER_TURN, `${most} messages were handled in one turn`);
    });
  });

  it('closes cleanly in the middle of a burst, with a yield pending, and reconnects', async () => {
    const broker = await startBroker();
    const navien = new NavienMqtt({
      url: broker.url,
      clientId: 'navien-client-intake-close',
      credentials: () => credentials('AKIDINTAKE'),
      renewCredentials: () => Promise.resolve(),
      connectTimeoutMs: 2000,
    });
    const publisher = await mqttjs.connectAsync(broker.url, {
      clientId: 'burst2',
      reconnectPeriod: 0,
    });
    try {
      navien.acquire();
      await nextEvent(navien, 'connected');
      let received = 0;
      let closing: Promise<void> | undefined;
      navien.subscribe('burst/#', () => {
        received++;
        // The 16th message's yield is pending when the connection goes.
        if (received === MESSAGES_PER_TURN) closing = navien.close();
      });
      await navien.whenSubscribed('burst/#');
      for (let i = 0; i < 500; i++) publisher.publish('burst/x', String(i), { qos: 0 });
      await waitFor(() => closing !== undefined, { timeout: 10_000, what: 'the close' });
      await closing;
      await nextTurn();
      assert.equal(navien.state, 'closed');
      const afterClose = received;

      // A new connection takes messages again (the old client's pending yield did not harm it).
      navien.acquire();
      await nextEvent(navien, 'connected');
      const again: string[] = [];
      navien.subscribe('again/#', (_topic, payload) => again.push(payload.toString()));
      await navien.whenSubscribed('again/#');
      publisher.publish('again/x', 'hello', { qos: 0 });
      await waitFor(() => again.length === 1, { timeout: 5000, what: 'a message after reconnect' });
      assert.ok(afterClose >= MESSAGES_PER_TURN && afterClose < 500, `${afterClose} before close`);
    } finally {
      await publisher.endAsync(true);
      await navien.close();
      await broker.close();
    }
  });

  it("keeps mqtt.js's packet tracing only when DEBUG names mqttjs", () => {
    const setup = {
      clientId: 'c',
      keepaliveSec: 60,
      connectTimeoutMs: 1000,
      signedUrl: () => 'ws://127.0.0.1:1/mqtt',
      onRefused: () => undefined,
    };
    const saved = process.env.DEBUG;
    try {
      delete process.env.DEBUG;
      assert.equal(typeof clientOptions(setup).log, 'function');
      process.env.DEBUG = 'mqttjs*';
      assert.equal(clientOptions(setup).log, undefined);
    } finally {
      if (saved === undefined) delete process.env.DEBUG;
      else process.env.DEBUG = saved;
    }
  });
});
