import { NavienError, toNavienError } from '../navien/errors';
import type { Device } from '../navien/types';
import { normalizeMac } from '../navien/mac';

/**
 * Which device a message is about. Node-RED core's rule: the node's own setting wins; a msg
 * property is used only when the node's field is empty. `msg.device` may be a MAC string or a
 * device object as navien-devices emits it.
 */
export function pickDeviceMac(
  configured: string | undefined,
  fromMsg: unknown,
  onIgnoredMsgDevice: () => void,
): string {
  if (configured && configured.trim()) {
    if (fromMsg !== undefined && fromMsg !== null && fromMsg !== '') onIgnoredMsgDevice();
    return normalizeMac(configured);
  }
  if (typeof fromMsg === 'string') return normalizeMac(fromMsg);
  if (fromMsg && typeof fromMsg === 'object' && 'macAddress' in fromMsg) {
    const mac = fromMsg.macAddress;
    if (typeof mac === 'string') return normalizeMac(mac);
  }
  if (fromMsg !== undefined && fromMsg !== null && fromMsg !== '') {
    throw new NavienError(
      'NAVIEN_INVALID_INPUT',
      'msg.device must be a MAC address string or a device object with a macAddress (as navien-devices emits)',
    );
  }
  throw new NavienError(
    'NAVIEN_INVALID_INPUT',
    'No device selected: choose one in the node, or send msg.device (a MAC address or a device from navien-devices)',
  );
}

/** msg.fresh = true asks for a fresh read, bypassing the account's cache. */
export function wantsFresh(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * A heater the cloud lists as disconnected cannot answer over MQTT: when a request to it timed
 * out, say that it is offline (NAVIEN_DEVICE_OFFLINE, which a flow may choose to ignore)
 * rather than a bare timeout.
 */
export function explainTimeout(err: unknown, device: Device | undefined): unknown {
  const error = toNavienError(err);
  if (error.code !== 'NAVIEN_TIMEOUT' || !device || device.connected) return err;
  return new NavienError(
    'NAVIEN_DEVICE_OFFLINE',
    `${device.deviceName || device.macAddress} is offline (the Navien cloud lists it as not connected), so it did not answer`,
    { cause: error },
  );
}
