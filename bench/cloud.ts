/**
 * The benchmark's "cloud" (a child process of bench/status.ts, so its CPU time is not counted
 * against Node-RED): the loopback Navien REST API (sign-in, device list, AWS credentials), one
 * aedes MQTT-over-WebSocket broker shared by both measured paths, and a separate mqtt.js client
 * that publishes the status messages. Loopback only; exits when the parent goes away.
 */
import mqtt from 'mqtt';
import { startBroker, type TestBroker } from '../src/simulator/broker';
import { Heater } from '../src/simulator/heater';
import { generatedMac, startRestServer, type RestServer } from '../src/simulator/rest-server';

/** Parent -> child. */
export type CloudRequest =
  | { type: 'wait-subscribed'; filters: string[] }
  | { type: 'publish'; topic: string; count: number }
  | { type: 'close' };

/** Child -> parent. */
export type CloudReply =
  | {
      type: 'ready';
      apiUrl: string;
      mqttUrl: string;
      mac: string;
      /** A second heater, followed by the fan-out flow's ten status nodes. */
      fanMac: string;
      payloadBytes: number;
    }
  | { type: 'subscribed' }
  | { type: 'published'; count: number; ms: number }
  | { type: 'error'; message: string };

const HOST = '127.0.0.1';
/** Messages written before waiting for the socket to take them (bounded buffering). */
const BATCH = 200;
const HARD_TIMEOUT_MS = 10 * 60_000;

function send(reply: CloudReply): void {
  process.send?.(reply);
}

/** One realistic NWP500 status answer (§2.8 envelope around Heater.status()), as bytes. */
function statusPayload(mac: string): Buffer {
  const heater = new Heater({ mac, deviceName: 'Water Heater 1', seed: 1000, autoDraws: false });
  return Buffer.from(
    JSON.stringify({
      protocolVersion: 2,
      clientID: 'bench-publisher',
      sessionID: 'bench',
      requestTopic: `cmd/52/navilink-${mac}/st`,
      responseTopic: `cmd/52/navilink-${mac}/bench/res`,
      response: {
        command: 16777219, // STATUS_REQUEST, answered
        deviceType: 52,
        macAddress: mac,
        additionalValue: heater.additionalValue,
        status: heater.status(),
      },
    }),
    'utf8',
  );
}

async function main(): Promise<void> {
  const hardTimeout = setTimeout(() => process.exit(3), HARD_TIMEOUT_MS);
  hardTimeout.unref();
  let rest: RestServer | undefined;
  let broker: TestBroker | undefined;
  let client: mqtt.MqttClient | undefined;
  const subscribed = new Set<string>();

  const shutdown = async (code: number): Promise<never> => {
    await client?.endAsync(true).catch(() => undefined);
    await broker?.close().catch(() => undefined);
    await rest?.close().catch(() => undefined);
    process.exit(code);
  };
  process.on('disconnect', () => void shutdown(0));

  try {
    rest = await startRestServer({ host: HOST, port: 0, devices: 2 });
    broker = await startBroker({ host: HOST, port: 0 });
    broker.onSubscribe((subs) => {
      for (const sub of subs) subscribed.add(sub.topic);
    });
    const mac = generatedMac(0);
    const payload = statusPayload(mac);
    client = await mqtt.connectAsync(broker.url, {
      protocolVersion: 4,
      clean: true,
      clientId: 'bench-publisher',
      reconnectPeriod: 0,
    });
    const publisher = client;

    const publishOne = (topic: string): Promise<void> =>
      new Promise((resolve, reject) =>
        publisher.publish(topic, payload, { qos: 0 }, (err) => (err ? reject(err) : resolve())),
      );

    process.on('message', (raw: CloudRequest) => {
      const handle = async (): Promise<void> => {
        switch (raw.type) {
          case 'wait-subscribed': {
            const deadline = Date.now() + 30_000;
            while (!raw.filters.every((f) => subscribed.has(f))) {
              if (Date.now() > deadline)
                throw new Error(`no subscription to ${raw.filters.join(', ')} within 30 s`);
              await new Promise((r) => setTimeout(r, 50));
            }
            send({ type: 'subscribed' });
            return;
          }
          case 'publish': {
            const started = performance.now();
            for (let sent = 0; sent < raw.count;) {
              const batch = Math.min(BATCH, raw.count - sent);
              for (let i = 1; i < batch; i++) publisher.publish(raw.topic, payload, { qos: 0 });
              await publishOne(raw.topic);
              sent += batch;
            }
            send({ type: 'published', count: raw.count, ms: performance.now() - started });
            return;
          }
          case 'close':
            await shutdown(0);
        }
      };
      handle().catch((err: unknown) => send({ type: 'error', message: String(err) }));
    });

    send({
      type: 'ready',
      apiUrl: rest.url,
      mqttUrl: broker.url,
      mac,
      fanMac: generatedMac(1),
      payloadBytes: payload.length,
    });
  } catch (err) {
    send({ type: 'error', message: String(err) });
    await shutdown(1);
  }
}

void main();
