/**
 * Deterministic device data of the REST simulator: generated list entries, controller serials,
 * firmware lists and a time-of-use plan shaped like NAVIEN-PROTOCOL.md §6.
 */
import { createHash } from 'node:crypto';
import type { RawDeviceEntry, RawFirmware, RawTouResponse } from '../navien/types';

/** MAC of generated device i: 12 lowercase hex digits, stable across runs. */
export function generatedMac(index: number): string {
  return `a4c138${(0x2f0000 + index).toString(16).padStart(6, '0').slice(-6)}`;
}

/** A plausible NWP500 list entry for index i (0-based), named "Water Heater i+1". */
export function generateDeviceEntry(index: number): RawDeviceEntry {
  return {
    deviceInfo: {
      homeSeq: 40217 + index,
      macAddress: generatedMac(index),
      additionalValue: String(7781 + index * 13),
      deviceType: 52,
      deviceName: `Water Heater ${index + 1}`,
      connected: 2,
      installType: 'R',
    },
    location: {
      state: 'Oregon',
      city: 'Bend',
      address: `${18 + index} Juniper Ln`,
      latitude: 44.0582,
      longitude: -121.3153,
      altitude: null,
    },
  };
}

/** The controller serial number the MQTT feature record reports for a MAC (e.g. 70310452KX24110937). */
export function controllerSerialFor(mac: string): string {
  const hash = createHash('sha256').update(`controller:${mac.toLowerCase()}`).digest();
  const digits = (from: number, n: number): string =>
    Array.from(hash.subarray(from, from + n), (b) => String(b % 10)).join('');
  const letters = String.fromCharCode(65 + (hash[20] % 26), 65 + (hash[21] % 26));
  return `${digits(0, 8)}${letters}${digits(8, 8)}`;
}

export function defaultFirmware(entry: RawDeviceEntry): RawFirmware[] {
  const { macAddress, additionalValue, deviceType } = entry.deviceInfo;
  const base = { macAddress, additionalValue, deviceType: deviceType ?? 52, deviceGroup: 'NWP500' };
  return [
    { ...base, curSwCode: 1, curVersion: 201457920, downloadedVersion: null },
    { ...base, curSwCode: 2, curVersion: 33816576, downloadedVersion: null },
    { ...base, curSwCode: 4, curVersion: 50790400, downloadedVersion: 50856192 },
  ];
}

/** A two-season time-of-day plan shaped like §6.6. */
export function defaultTou(controllerId: string): RawTouResponse {
  const interval = (week: number, from: number, to: number, price: number) => ({
    week,
    startHour: from,
    startMinute: 0,
    endHour: to,
    endMinute: 59,
    priceMin: price,
    priceMax: price,
    decimalPoint: 5,
  });
  return {
    registerPath: 'wifi',
    sourceType: 'openei',
    touInfo: {
      controllerId,
      manufactureId: controllerId.slice(0, 15),
      name: 'Residential Time-of-Day Example',
      utility: 'Example Electric Cooperative',
      zipCode: 97702,
      schedule: [
        {
          season: 960,
          interval: [
            interval(124, 0, 15, 21870),
            interval(124, 16, 20, 41977),
            interval(130, 0, 23, 21870),
          ],
        },
        { season: 3135, interval: [interval(254, 0, 23, 19405)] },
      ],
    },
  };
}

export function toEntries(devices: RawDeviceEntry[] | number | undefined): RawDeviceEntry[] {
  if (devices === undefined) return [generateDeviceEntry(0)];
  if (typeof devices === 'number') {
    return Array.from({ length: devices }, (_, i) => generateDeviceEntry(i));
  }
  return devices.map((d) => structuredClone(d));
}
