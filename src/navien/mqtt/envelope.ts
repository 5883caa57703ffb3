/** Request envelopes, command codes and answer classification (NAVIEN-PROTOCOL.md §2.6–2.8). */
import type { DeviceAddress } from './topics';

export const PROTOCOL_VERSION = 2;

/** Command codes (§2.7) live with the rest of the protocol vocabulary. */
export { Command } from '../protocol/commands';

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
