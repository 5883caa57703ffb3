/** MQTT topic names of the Navien cloud (NAVIEN-PROTOCOL.md §2.4, §2.5). */

/** What a device is addressed by in topics and envelopes. */
export interface DeviceAddress {
  macAddress: string;
  additionalValue: string;
  deviceType: number;
}

function deviceSegment(deviceType: number, mac: string): string {
  return `cmd/${deviceType}/navilink-${mac}`;
}

/** `cmd/<type>/navilink-<mac>/<suffix>`, e.g. suffix "st", "st/did", "ctrl". */
export function deviceTopic(deviceType: number, mac: string, suffix: string): string {
  return `${deviceSegment(deviceType, mac)}/${suffix}`;
}

/** Wildcard covering everything about one device (status, features, echoes). */
export function deviceWildcardTopic(deviceType: number, mac: string): string {
  return `${deviceSegment(deviceType, mac)}/#`;
}

export function statusRequestTopic(deviceType: number, mac: string): string {
  return deviceTopic(deviceType, mac, 'st');
}

export function featureRequestTopic(deviceType: number, mac: string): string {
  return deviceTopic(deviceType, mac, 'st/did');
}

export function controlTopic(deviceType: number, mac: string): string {
  return deviceTopic(deviceType, mac, 'ctrl');
}

/** The ack topic the library names in requests: `cmd/<type>/navilink-<mac>/<clientId>/res`. */
export function responseTopic(deviceType: number, mac: string, clientId: string): string {
  return `${deviceSegment(deviceType, mac)}/${clientId}/res`;
}

/** Client-keyed answers (reservations, TOU, energy): `cmd/<type>/<clientId>/res/<suffix>`. */
export function clientResponseTopic(deviceType: number, clientId: string, suffix: string): string {
  return `cmd/${deviceType}/${clientId}/res/${suffix}`;
}

/** MQTT filter matching ('+' one level, '#' the rest, including the parent level). */
export function topicMatches(filter: string, topic: string): boolean {
  const hash = filter.length - 1;
  if (
    hash > 0 &&
    filter.charCodeAt(hash) === HASH &&
    filter.indexOf('+') < 0 &&
    filter.indexOf('#') === hash
  ) {
    return underPrefix(filter, hash, topic);
  }
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

const HASH = 0x23; // '#'

/**
 * `prefix/#` without '+' (a device wildcard, the filter of every status message): compared in
 * place, since splitting both strings for each message and filter showed in the benchmark.
 */
function underPrefix(filter: string, hash: number, topic: string): boolean {
  // filter[0..hash) is "a/b/"; the topic is "a/b" or starts with "a/b/".
  const parent = hash - 1;
  if (topic.length < parent) return false;
  for (let i = 0; i < parent; i++) if (topic.charCodeAt(i) !== filter.charCodeAt(i)) return false;
  return topic.length === parent || topic.charCodeAt(parent) === 0x2f; // '/'
}
