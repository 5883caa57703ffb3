import { NavienError } from '../errors';
import type { Device, DeviceLocation, DeviceRecord, RawDeviceEntry } from '../types';

/** `connected` is 2 when the heater is online, 1 when not (§1.8). */
export function isConnected(value: unknown): boolean {
  return value === 2;
}

/** One POST /device/list entry, flattened for flows. */
export function toDevice(raw: RawDeviceEntry): Device {
  const info = raw.deviceInfo ?? { macAddress: '' };
  return {
    macAddress: typeof info.macAddress === 'string' ? info.macAddress : '',
    additionalValue: typeof info.additionalValue === 'string' ? info.additionalValue : '',
    deviceType: typeof info.deviceType === 'number' ? info.deviceType : 0,
    deviceName: typeof info.deviceName === 'string' ? info.deviceName : '',
    homeSeq: typeof info.homeSeq === 'number' ? info.homeSeq : null,
    connected: isConnected(info.connected),
    installType: typeof info.installType === 'string' ? info.installType : null,
    location: toLocation(raw.location),
  };
}

/** The whole /device/list `data` (a bare array). */
export function toDevices(data: unknown): Device[] {
  if (!Array.isArray(data)) {
    throw new NavienError('NAVIEN_API_ERROR', 'Navien device list answer was not a list');
  }
  return (data as RawDeviceEntry[])
    .filter((entry) => entry && typeof entry === 'object' && entry.deviceInfo)
    .map(toDevice);
}

/** POST /device/info `data`: everything kept, `connected` made boolean. */
export function toDeviceRecord(data: unknown): DeviceRecord {
  if (!data || typeof data !== 'object') {
    throw new NavienError('NAVIEN_API_ERROR', 'Navien device info answer was empty');
  }
  const raw = data as Record<string, unknown>;
  const info = (
    raw.deviceInfo && typeof raw.deviceInfo === 'object' ? raw.deviceInfo : {}
  ) as Record<string, unknown>;
  const record: DeviceRecord = {
    ...raw,
    deviceInfo: {
      ...info,
      macAddress: typeof info.macAddress === 'string' ? info.macAddress : '',
      connected: isConnected(info.connected),
    },
    location: toLocation(raw.location as DeviceLocation | null | undefined),
    installer: asRecord(raw.installer),
    alarmInfo: asRecord(raw.alarmInfo),
  };
  if ('descaling' in raw) record.descaling = asRecord(raw.descaling);
  return record;
}

function toLocation(location: DeviceLocation | null | undefined): DeviceLocation {
  return location && typeof location === 'object' ? { ...location } : {};
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' ? { ...(value as Record<string, unknown>) } : null;
}
