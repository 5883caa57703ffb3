/**
 * Requests answered on client-keyed topics (`cmd/<type>/<clientId>/res/<suffix>`, §9.0): the
 * weekly program and the TOU write. These replies carry no correlation id, so an exchange keeps
 * every reply that arrived since its last request and lets the caller pick the one that answers
 * it (by device and by content).
 */
import type { ProgramTopicPair } from '../protocol/programs';
import type { NavienMqtt } from './connection';
import type { ChannelIds } from './device-channel';
import { buildRequest } from './envelope';
import { clientResponseTopic, deviceTopic, type DeviceAddress } from './topics';

export interface ClientReply {
  /** The suffix after `.../res/`, e.g. `rsv/rd`. */
  suffix: string;
  response: Record<string, unknown>;
}

export interface ClientExchange {
  /** Publishes `command` on the pair's request topic, naming its reply topic as responseTopic. */
  send(command: number, pair: ProgramTopicPair, extra?: Record<string, unknown>): Promise<void>;
  /**
   * The first reply since the last send() (earlier ones included) for which `accept` returns a
   * value, or undefined when none came by `deadline` (epoch ms).
   */
  wait<T>(accept: (reply: ClientReply) => T | undefined, deadline: number): Promise<T | undefined>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Subscribes to the reply suffixes, runs `work`, unsubscribes. The caller holds the connection
 * (account.withMqtt). Replies naming another device are dropped (§9.0: the topics are shared).
 */
export async function withClientExchange<T>(
  mqtt: NavienMqtt,
  ids: ChannelIds,
  device: DeviceAddress,
  replySuffixes: readonly string[],
  work: (exchange: ClientExchange) => Promise<T>,
): Promise<T> {
  const replies: ClientReply[] = [];
  let since = 0;
  let wake: () => void = () => undefined;
  const prefix = clientResponseTopic(device.deviceType, ids.clientId, '');
  const unsubscribers = replySuffixes.map((suffix) =>
    mqtt.subscribe(prefix + suffix, (topic, payload) => {
      let json: unknown;
      try {
        json = JSON.parse(payload.toString('utf8'));
      } catch {
        return; // a malformed reply does not count
      }
      if (!isObject(json) || !isObject(json.response)) return;
      const mac = json.response.macAddress;
      if (typeof mac === 'string' && mac !== device.macAddress) return;
      replies.push({ suffix: topic.slice(prefix.length), response: json.response });
      wake();
    }),
  );
  const exchange: ClientExchange = {
    async send(command, pair, extra) {
      since = replies.length;
      const requestTopic = deviceTopic(device.deviceType, device.macAddress, pair.request);
      await mqtt.publish(
        requestTopic,
        buildRequest({
          clientId: ids.clientId,
          sessionId: ids.sessionId,
          device,
          command,
          requestTopic,
          responseTopic: prefix + pair.reply,
          ...(extra ? { extra } : {}),
        }),
      );
    },
    wait(accept, deadline) {
      let checked = since;
      return new Promise((resolve) => {
        const timer = setTimeout(() => finish(undefined), Math.max(0, deadline - Date.now()));
        const finish = (value: ReturnType<typeof accept>): void => {
          clearTimeout(timer);
          wake = () => undefined;
          resolve(value);
        };
        wake = () => {
          for (; checked < replies.length; checked++) {
            const reply = replies[checked];
            const value = reply ? accept(reply) : undefined;
            if (value !== undefined) return finish(value);
          }
        };
        wake();
      });
    },
  };
  try {
    // Subscribe before requesting: replies are not retained.
    await Promise.all(replySuffixes.map((suffix) => mqtt.whenSubscribed(prefix + suffix)));
    return await work(exchange);
  } finally {
    for (const unsubscribe of unsubscribers) unsubscribe();
  }
}
