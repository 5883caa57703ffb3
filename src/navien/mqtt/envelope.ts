/** Request envelopes, command codes and answer classification (NAVIEN-PROTOCOL.md §2.6–2.8). */
import type { DeviceAddress } from './topics';

export const PROTOCOL_VERSION = 2;

/** Command codes (§2.7). Queries are 0x01xxxxxx, controls 0x02xxxxxx. */
export const Command = {
  DEVICE_INFO_REQUEST: 16777217,
  STATUS_REQUEST: 16777219,
  RESERVATION_READ: 16777222,
  ENERGY_USAGE_QUERY: 16777225,
  RESERVATION_MANAGEMENT: 16777226,
  POWER_OFF: 33554433,
  POWER_ON: 33554434,
  DHW_MODE: 33554437,
  RESERVATION_WEEKLY: 33554438,
  TOU_RESERVATION: 33554439,
  RECIR_RESERVATION: 33554440,
  RESERVATION_WATER_PROGRAM: 33554441,
  OTA_COMMIT: 33554442,
  OTA_CHECK: 33554443,
  RECIR_HOT_BTN: 33554444,
  RECIR_MODE: 33554445,
  WIFI_RECONNECT: 33554446,
  WIFI_RESET: 33554447,
  FREZ_TEMP: 33554451,
  SMART_DIAGNOSTIC: 33554455,
  DHW_TEMPERATURE: 33554464,
  RESERVATION_INTELLIGENT_OFF: 33554467,
  RESERVATION_INTELLIGENT_ON: 33554468,
  DR_OFF: 33554469,
  DR_ON: 33554470,
  ANTI_LEGIONELLA_OFF: 33554471,
  ANTI_LEGIONELLA_ON: 33554472,
  AIR_FILTER_RESET: 33554473,
  TOU_OFF: 33554475,
  TOU_ON: 33554476,
} as const;

export interface RequestEnvelope {
  clientID: string;
  sessionID: string;
  protocolVersion: number;
  requestTopic: string;
  responseTopic: string;
  request: {
    command: number;
    deviceType: number;
    macAddress: string;
    additionalValue: string;
    [key: string]: unknown;
  };
}

export interface BuildRequestInput {
  clientId: string;
  sessionId: string;
  device: DeviceAddress;
  command: number;
  requestTopic: string;
  responseTopic: string;
  /** Extra `request` keys (mode, param, paramStr, year, …). */
  extra?: Record<string, unknown>;
}

export function buildRequest(input: BuildRequestInput): RequestEnvelope {
  return {
    clientID: input.clientId,
    sessionID: input.sessionId,
    protocolVersion: PROTOCOL_VERSION,
    requestTopic: input.requestTopic,
    responseTopic: input.responseTopic,
    request: {
      ...(input.extra ?? {}),
      // The fixed keys win over anything in `extra`.
      command: input.command,
      deviceType: input.device.deviceType,
      macAddress: input.device.macAddress,
      additionalValue: input.device.additionalValue,
    },
  };
}

export type RawStatus = Record<string, unknown>;
export type RawFeature = Record<string, unknown>;

export type ClassifiedMessage =
  | { kind: 'request' }
  | { kind: 'status'; status: RawStatus }
  | { kind: 'feature'; feature: RawFeature }
  | { kind: 'other'; response: unknown };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The library's lookup order (§2.8): response[key] → response[alt] → message[key] → message[alt].
 * Key presence counts, so a falsy value is still found.
 */
function lookup(message: Record<string, unknown>, key: string, alt: string): unknown {
  const response = message.response;
  if (isObject(response)) {
    if (key in response) return response[key];
    if (alt in response) return response[alt];
  }
  if (key in message) return message[key];
  if (alt in message) return message[alt];
  return undefined;
}

function present(message: Record<string, unknown>, key: string, alt: string): boolean {
  const response = message.response;
  return (
    (isObject(response) && (key in response || alt in response)) || key in message || alt in message
  );
}

/**
 * Sorts one parsed payload from the device wildcard. Our own requests are echoed back by the
 * broker (they carry `request`), so they are reported as such and must be ignored.
 */
export function classifyMessage(json: unknown): ClassifiedMessage {
  if (!isObject(json)) return { kind: 'other', response: json };
  if ('request' in json && !('response' in json)) return { kind: 'request' };
  if (present(json, 'status', 'st')) {
    const status = lookup(json, 'status', 'st');
    if (isObject(status)) return { kind: 'status', status };
  }
  if (present(json, 'feature', 'did')) {
    const feature = lookup(json, 'feature', 'did');
    if (isObject(feature)) return { kind: 'feature', feature };
  }
  return { kind: 'other', response: 'response' in json ? json.response : json };
}
