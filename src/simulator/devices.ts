/**
 * Puts simulated heaters on the broker: they answer the §2.6 requests clients publish to
 * `cmd/52/navilink-<mac>/…` with §2.8 response envelopes, and tick on a timer.
 */
import { Command, PROTOCOL_VERSION } from '../navien/mqtt/envelope';
import { clientResponseTopic, responseTopic as ackTopic } from '../navien/mqtt/topics';
import { NWP500_DEVICE_TYPE } from '../navien/constants';
import { AnswerQueue } from './answer-queue';
import { answerHistory } from './devices-history';
import type { Heater } from './heater';

/** The part of the simulator broker (broker.ts) this module needs. */
export interface DeviceBus {
  /** Calls the handler for every publish a client makes; returns a function that stops it. */
  onPublish(
    handler: (message: { topic: string; payload: Buffer; clientId: string }) => void,
  ): () => void;
  publish(topic: string, payload: string, qos?: 0 | 1): Promise<void>;
}

export interface DeviceHostOptions {
  /** Simulated seconds per real second (default 1). */
  speed?: number;
  /** Real milliseconds between ticks (default 1000). */
  tickMs?: number;
  /** Delay before a heater answers, like a real round trip (default 30 ms). */
  latencyMs?: number;
  /** Where to report ignored or refused requests (default: nowhere). */
  log?: (line: string) => void;
}

export interface DeviceHost {
  /** Requests answered so far, by topic suffix. */
  readonly answered: Map<string, number>;
  setSpeed(speed: number): void;
  /** Resolves once every request received so far is answered and published. */
  idle(): Promise<void>;
  stop(): void;
}

export interface Envelope {
  clientID: string;
  sessionID: string;
  requestTopic?: string;
  responseTopic?: string;
  request: Record<string, unknown> & { command: number };
}

const TOPIC =
  /^cmd\/52\/navilink-([0-9a-f]{12})\/(st|st\/did|ctrl|st\/energy-usage-daily-query\/rd|st\/energy-usage-monthly-query\/rd|st\/td\/rd)$/;
const ENERGY_SUFFIX = 'energy-usage-daily-query/rd';

export function parseEnvelope(payload: Buffer): Envelope | null {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const env = json as Record<string, unknown>;
  // Our own answers carry `response`; anything without a `request` is not for a heater.
  if ('response' in env) return null;
  const request = env.request;
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return null;
  const command = (request as Record<string, unknown>).command;
  if (typeof command !== 'number' || typeof env.clientID !== 'string') return null;
  return {
    clientID: env.clientID,
    sessionID: typeof env.sessionID === 'string' ? env.sessionID : '',
    requestTopic: typeof env.requestTopic === 'string' ? env.requestTopic : undefined,
    responseTopic: typeof env.responseTopic === 'string' ? env.responseTopic : undefined,
    request: { ...(request as Record<string, unknown>), command },
  };
}

const intArray = (v: unknown): number[] =>
  Array.isArray(v) ? v.filter((n): n is number => typeof n === 'number') : [];

export function attachHeaters(
  bus: DeviceBus,
  heaters: ReadonlyMap<string, Heater>,
  options: DeviceHostOptions = {},
): DeviceHost {
  let speed = options.speed ?? 1;
  const tickMs = options.tickMs ?? 1000;
  const latencyMs = options.latencyMs ?? 30;
  const log = options.log ?? (() => {});
  const answered = new Map<string, number>();
  const queue = new AnswerQueue(latencyMs);
  let stopped = false;

  const send = (topic: string, body: object): void => {
    queue.track(
      bus.publish(topic, JSON.stringify(body), 1).catch((err: unknown) => {
        if (!stopped) log(`publish to ${topic} failed: ${String(err)}`);
      }),
    );
  };

  const answer = (heater: Heater, suffix: string, env: Envelope): void => {
    const mac = heater.mac;
    const deviceType = NWP500_DEVICE_TYPE;
    const requestTopic = env.requestTopic ?? `cmd/${deviceType}/navilink-${mac}/${suffix}`;
    const base = {
      command: env.request.command,
      deviceType,
      macAddress: mac,
      additionalValue: heater.additionalValue,
    };
    const reply = (topic: string, response: object): void => {
      answered.set(suffix, (answered.get(suffix) ?? 0) + 1);
      send(topic, {
        protocolVersion: PROTOCOL_VERSION,
        clientID: env.clientID,
        sessionID: env.sessionID,
        requestTopic,
        responseTopic: topic,
        response: { ...base, ...response },
      });
    };
    const ack = env.responseTopic ?? ackTopic(deviceType, mac, env.clientID);

    if (suffix === 'st' && env.request.command === Command.STATUS_REQUEST) {
      reply(ack, { status: heater.status() });
    } else if (suffix === 'st/did' && env.request.command === Command.DEVICE_INFO_REQUEST) {
      reply(ack, { feature: heater.feature() });
    } else if (suffix === `st/${ENERGY_SUFFIX}`) {
      const year =
        typeof env.request.year === 'number' ? env.request.year : new Date().getFullYear();
      const topic = clientResponseTopic(deviceType, env.clientID, ENERGY_SUFFIX);
      reply(topic, { ...heater.energyUsage(year, intArray(env.request.month)) });
    } else if (suffix === 'ctrl') {
      const mode = typeof env.request.mode === 'string' ? env.request.mode : '';
      const result = heater.applyControl(env.request.command, mode, intArray(env.request.param));
      if (!result.ok) log(`${mac}: refused ${mode || env.request.command}: ${result.reason}`);
      // The device confirms a command by sending its (possibly unchanged) status.
      reply(ack, { status: heater.status() });
    } else if (
      answerHistory(
        heater,
        {
          suffix,
          clientId: env.clientID,
          deviceType,
          responseTopic: env.responseTopic,
          request: env.request,
        },
        reply,
        log,
      )
    ) {
      // monthly energy or installer counters (devices-history.ts)
    } else {
      log(`${mac}: ignored command ${env.request.command} on ${suffix}`);
    }
  };

  // Only client publishes reach the handler, so the heaters never hear their own answers.
  const unsubscribe = bus.onPublish(({ topic, payload }) => {
    if (stopped) return;
    const match = TOPIC.exec(topic);
    if (!match) return;
    const [, mac, suffix] = match as unknown as [string, string, string];
    const heater = heaters.get(mac);
    if (!heater || !heater.connected) return;
    const env = parseEnvelope(payload);
    if (!env) return;
    queue.later(() => {
      if (heater.connected) answer(heater, suffix, env);
    });
  });

  const ticker = setInterval(() => {
    for (const heater of heaters.values()) heater.tick((speed * tickMs) / 1000);
  }, tickMs);
  ticker.unref();

  return {
    answered,
    setSpeed(next: number) {
      speed = next;
    },
    idle: () => queue.idle(),
    stop() {
      stopped = true;
      clearInterval(ticker);
      queue.stop();
      unsubscribe();
    },
  };
}
