/**
 * One request, one answer on a topic of its own (the client-keyed and five-segment reply
 * topics of NAVIEN-PROTOCOL.md §9.0): subscribe, wait for the subscription, publish, take the
 * first answer `matches` accepts, or fail with NAVIEN_TIMEOUT. The caller holds the connection.
 */
import { NavienError } from '../errors';
import type { NavienMqtt } from './connection';
import type { ChannelIds } from './device-channel';
import { buildRequest } from './envelope';
import { deviceTopic, type DeviceAddress } from './topics';

export interface OneShotQuery {
  command: number;
  /** Suffix after `cmd/<type>/navilink-<mac>/`. */
  requestSuffix: string;
  /** The full reply topic named in the envelope and subscribed to. */
  replyTopic: string;
  /** Extra `request` keys. */
  extra?: Record<string, unknown>;
  /** Whether an answer on the (shared) reply topic is the one for this request. */
  matches: (response: Record<string, unknown>) => boolean;
  /** What the timeout message calls the answer, e.g. "its monthly energy history". */
  what: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Resolves with the answer's `response` object. */
export async function requestOnce(
  mqtt: NavienMqtt,
  ids: ChannelIds,
  device: DeviceAddress,
  query: OneShotQuery,
): Promise<Record<string, unknown>> {
  const timeoutMs = query.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const requestTopic = deviceTopic(device.deviceType, device.macAddress, query.requestSuffix);
  let onAnswer: (response: Record<string, unknown>) => void = () => undefined;
  const unsubscribe = mqtt.subscribe(query.replyTopic, (_topic, payload) => {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return; // a malformed answer simply does not count
    }
    if (isObject(json) && isObject(json.response)) onAnswer(json.response);
  });
  try {
    // Subscribe before requesting: answers are not retained.
    await mqtt.whenSubscribed(query.replyTopic);
    return await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new NavienError(
            'NAVIEN_TIMEOUT',
            `The device ${device.macAddress} did not send ${query.what} within ${Math.round(timeoutMs / 1000)} s`,
          ),
        );
      }, timeoutMs);
      onAnswer = (response) => {
        if (!query.matches(response)) return;
        clearTimeout(timer);
        resolve(response);
      };
      const envelope = buildRequest({
        clientId: ids.clientId,
        sessionId: ids.sessionId,
        device,
        command: query.command,
        requestTopic,
        responseTopic: query.replyTopic,
        ...(query.extra ? { extra: query.extra } : {}),
      });
      mqtt.publish(requestTopic, envelope).catch((err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
  } finally {
    unsubscribe();
  }
}
