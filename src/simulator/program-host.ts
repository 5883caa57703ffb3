/**
 * Puts the simulated heaters' programs on the broker: answers the weekly-program read and
 * write and the TOU write (§9.1, §9.2) on the client-keyed reply topics
 * `cmd/52/<clientId>/res/<suffix>`, after the same round-trip delay as the other answers.
 */
import { NWP500_DEVICE_TYPE } from '../navien/constants';
import { PROTOCOL_VERSION } from '../navien/mqtt/envelope';
import { clientResponseTopic } from '../navien/mqtt/topics';
import { ProgramTopics } from '../navien/protocol/programs';
import { AnswerQueue } from './answer-queue';
import { parseEnvelope, type DeviceBus, type Envelope } from './devices';
import type { Heater } from './heater';
import { answerProgramRequest } from './heater-programs';

export interface ProgramHost {
  /** Program requests answered so far, by request suffix. */
  readonly answered: Map<string, number>;
  /** Resolves once every request received so far is answered and published. */
  idle(): Promise<void>;
  stop(): void;
}

const SUFFIXES = new Set<string>([
  ProgramTopics.reservationRead.request,
  ProgramTopics.reservationWrite.request,
  ProgramTopics.touWrite.request,
]);
const TOPIC = /^cmd\/52\/navilink-([0-9a-f]{12})\/(.+)$/;

export function attachPrograms(
  bus: DeviceBus,
  heaters: ReadonlyMap<string, Heater>,
  options: { latencyMs?: number; log?: (line: string) => void } = {},
): ProgramHost {
  const latencyMs = options.latencyMs ?? 30;
  const log = options.log ?? (() => {});
  const answered = new Map<string, number>();
  const queue = new AnswerQueue(latencyMs);
  let stopped = false;

  const answer = (heater: Heater, suffix: string, env: Envelope): void => {
    const replies = answerProgramRequest(heater, suffix, env.request);
    if (!replies) return;
    answered.set(suffix, (answered.get(suffix) ?? 0) + 1);
    if (replies.length === 0) log(`${heater.mac}: dropped the write on ${suffix}`);
    for (const reply of replies) {
      const topic = clientResponseTopic(NWP500_DEVICE_TYPE, env.clientID, reply.suffix);
      const body = {
        protocolVersion: PROTOCOL_VERSION,
        clientID: env.clientID,
        sessionID: env.sessionID,
        requestTopic: env.requestTopic ?? `cmd/52/navilink-${heater.mac}/${suffix}`,
        responseTopic: topic,
        response: {
          command: env.request.command,
          deviceType: NWP500_DEVICE_TYPE,
          macAddress: heater.mac,
          additionalValue: heater.additionalValue,
          ...reply.response,
        },
      };
      queue.track(
        bus.publish(topic, JSON.stringify(body), 1).catch((err: unknown) => {
          if (!stopped) log(`publish to ${topic} failed: ${String(err)}`);
        }),
      );
    }
  };

  const unsubscribe = bus.onPublish(({ topic, payload }) => {
    if (stopped) return;
    const match = TOPIC.exec(topic);
    if (!match) return;
    const [, mac, suffix] = match as unknown as [string, string, string];
    if (!SUFFIXES.has(suffix)) return;
    const heater = heaters.get(mac);
    const env = heater?.connected ? parseEnvelope(payload) : null;
    if (!heater || !env) return;
    queue.later(() => {
      if (heater.connected) answer(heater, suffix, env);
    });
  });

  return {
    answered,
    idle: () => queue.idle(),
    stop() {
      stopped = true;
      queue.stop();
      unsubscribe();
    },
  };
}
