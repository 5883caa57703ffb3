import type { NodeAPI, NodeStatus } from 'node-red';
import type { NavienError, NavienErrorCode } from '../navien/errors';
import { commonText } from './i18n';

/** Keeps badge text short enough for the canvas (~20 characters). */
export function shortText(text: string, max = 24): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const ERROR_BADGES: Partial<
  Record<NavienErrorCode, { key: string; fill: 'red' | 'yellow' | 'grey' }>
> = {
  NAVIEN_INVALID_CREDENTIALS: { key: 'status.signInFailed', fill: 'red' },
  NAVIEN_NOT_CONFIGURED: { key: 'status.notConfigured', fill: 'red' },
  NAVIEN_AUTH_FAILED: { key: 'status.authError', fill: 'red' },
  NAVIEN_TOKEN_REFRESH_FAILED: { key: 'status.authError', fill: 'red' },
  NAVIEN_NETWORK: { key: 'status.unreachable', fill: 'yellow' },
  NAVIEN_TIMEOUT: { key: 'status.timeout', fill: 'yellow' },
  NAVIEN_RATE_LIMITED: { key: 'status.rateLimited', fill: 'yellow' },
  NAVIEN_MQTT_UNAVAILABLE: { key: 'status.mqttUnavailable', fill: 'yellow' },
  NAVIEN_DEVICE_OFFLINE: { key: 'status.deviceOffline', fill: 'grey' },
  NAVIEN_DEVICE_NOT_FOUND: { key: 'status.unknownDevice', fill: 'red' },
  NAVIEN_INVALID_INPUT: { key: 'status.badInput', fill: 'red' },
  NAVIEN_UNSUPPORTED: { key: 'status.unsupported', fill: 'red' },
};

export function errorBadge(RED: NodeAPI, err: NavienError): NodeStatus {
  const badge = ERROR_BADGES[err.code];
  if (!badge) {
    const text = err.apiCode
      ? commonText(RED, 'status.apiError', { code: err.apiCode })
      : commonText(RED, 'status.error');
    return { fill: 'red', shape: 'ring', text: shortText(text) };
  }
  return { fill: badge.fill, shape: 'ring', text: shortText(commonText(RED, badge.key)) };
}

export function busyBadge(RED: NodeAPI): NodeStatus {
  return { fill: 'blue', shape: 'dot', text: commonText(RED, 'status.requesting') };
}

export function okBadge(text: string): NodeStatus {
  return { fill: 'green', shape: 'dot', text: shortText(text) };
}

/** Green badge that says when the answer came from the account's cache (issue 7). */
export function cachedBadge(RED: NodeAPI, text: string, fromCache: boolean): string {
  return fromCache
    ? commonText(RED, 'status.cached', { text: shortText(text, 14) })
    : shortText(text);
}
