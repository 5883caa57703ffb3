import { NavienError } from '../errors';
import type { Device, DeviceLocation, DeviceRecord, LastError, RawDeviceEntry } from '../types';
import { errorText } from './error-codes';

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
    lastError: toLastError(raw.error),
    ...('modelTypeCode' in info ? { modelTypeCode: numOrNull(info.modelTypeCode) } : {}),
    ...('descaling' in raw ? { descaling: toDescaling(raw.descaling) } : {}),
  };
}

const LOCAL_ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;

/**
 * The cloud's time stamps are ISO-8601 without a zone ("2025-12-07T11:58:02"), and which zone
 * is meant is not documented (§8.46): such a time is passed on as is (a space separator becomes
 * "T"); one with a zone is normalised to UTC; anything else is null.
 */
export function toIsoTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const local = LOCAL_ISO.exec(value.trim());
  if (local) return `${local[1]}T${local[2]}`;
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(value.trim())) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * Help: "lastError is the cloud's record of the heater's last fault, readable even while the
 * heater is offline; its time is shown as the cloud gives it, without a time zone, because
 * Navien does not say which zone it is in."
 * `/device/list` `error` → `{code, text, time}`; null when there is no fault to report: no
 * block, an empty one, or `errorCode` 0, null or absent (a null code must not break the list).
 */
export function toLastError(error: unknown): LastError | null {
  if (!error || typeof error !== 'object') return null;
  const e = error as Record<string, unknown>;
  const code = e.errorCode;
  if (typeof code !== 'number' || !Number.isFinite(code) || code === 0) return null;
  return { code, text: errorText(code) ?? `E${code}`, time: toIsoTime(e.errorOccuredTime) };
}

function toDescaling(
  value: unknown,
): { descalingStartTime: string | null; descalingEndTime: string | null } | null {
  if (!value || typeof value !== 'object') return null;
  const d = value as Record<string, unknown>;
  return {
    descalingStartTime: toIsoTime(d.descalingStartTime),
    descalingEndTime: toIsoTime(d.descalingEndTime),
  };
}

function numOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
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
