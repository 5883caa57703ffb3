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
