/**
 * The daily energy-history query (NAVIEN-PROTOCOL.md §2.5, §4.5). Its answer comes on a
 * client-keyed topic, not the device wildcard, so it gets its own subscription on the shared
 * connection; there is no correlation id, so an answer is matched by device and months.
 */
import { NavienError } from '../errors';
import type { NavienMqtt } from './connection';
import { buildRequest, Command } from './envelope';
import { clientResponseTopic, deviceTopic, type DeviceAddress } from './topics';
import type { ChannelIds } from './device-channel';

export const ENERGY_SUFFIX = 'energy-usage-daily-query/rd';

export interface EnergyQuery {
  year: number;
  months: number[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when `response` answers `query` for `device` (keys it lacks are not held against it). */
function answers(response: Record<string, unknown>, device: DeviceAddress, query: EnergyQuery) {
  if (typeof response.macAddress === 'string' && response.macAddress !== device.macAddress)
    return false;
  if (!Array.isArray(response.usage)) return 'total' in response;
  const got = response.usage
    .filter(isObject)
    .map((u) => `${String(u.year)}-${String(u.month)}`)
    .sort();
  const want = query.months.map((m) => `${query.year}-${m}`).sort();
  return got.length === 0 || got.join() === want.join();
}

/**
 * Asks `device` for its daily energy use in `query.months` of `query.year` and resolves with
 * the raw `response` object ({typeOfUsage, total, usage}). The caller holds the connection.
 */
export async function requestEnergyUsage(
  mqtt: NavienMqtt,
  ids: ChannelIds,
  device: DeviceAddress,
  query: EnergyQuery,
  timeoutMs = 30_000,
): Promise<Record<string, unknown>> {
  const answerTopic = clientResponseTopic(device.deviceType, ids.clientId, ENERGY_SUFFIX);
  const requestTopic = deviceTopic(device.deviceType, device.macAddress, `st/${ENERGY_SUFFIX}`);
  let onAnswer: (response: Record<string, unknown>) => void = () => undefined;
  const unsubscribe = mqtt.subscribe(answerTopic, (_topic, payload) => {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return; // not ours to judge; a malformed answer simply does not count
    }
    if (isObject(json) && isObject(json.response)) onAnswer(json.response);
  });
  try {
    // Subscribe before requesting: answers are not retained.
    await mqtt.whenSubscribed(answerTopic);
    return await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new NavienError(
            'NAVIEN_TIMEOUT',
            `The device ${device.macAddress} did not send its energy history within ${Math.round(timeoutMs / 1000)} s`,
          ),
        );
      }, timeoutMs);
      onAnswer = (response) => {
        if (!answers(response, device, query)) return;
        clearTimeout(timer);
        resolve(response);
      };
      const envelope = buildRequest({
        clientId: ids.clientId,
        sessionId: ids.sessionId,
        device,
        command: Command.ENERGY_USAGE_QUERY,
        requestTopic,
        responseTopic: answerTopic,
        extra: { year: query.year, month: [...query.months] },
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
