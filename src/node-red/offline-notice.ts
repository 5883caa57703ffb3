import type { NodeMessage } from 'node-red';
import type { Device } from '../navien/types';

/**
 * What navien-status says once about a heater the cloud lists as offline: the heater cannot
 * answer, so the device list's record of its last fault (§9.8) is all there is to show.
 */
export function offlineNotice(device: Device): NodeMessage {
  return {
    topic: `navien/${device.macAddress}/offline`,
    payload: {
      macAddress: device.macAddress,
      deviceName: device.deviceName,
      connected: false,
      lastError: device.lastError ?? null,
    },
  };
}

/** "device offline", or "offline · E799" when the cloud kept a fault (badges stay short). */
export function offlineBadgeText(
  device: Device,
  plain: string,
  withCode: (code: string) => string,
): string {
  const code = device.lastError?.code;
  return code === undefined ? plain : withCode(`E${code}`);
}
