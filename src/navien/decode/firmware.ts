import { NavienError } from '../errors';
import type { FirmwareComponent, RawFirmware } from '../types';

/** Component codes (`curSwCode`) as the reference library names them (§1.10). */
export const FIRMWARE_COMPONENT_NAMES: Readonly<Record<number, string>> = {
  0: 'unknown',
  1: 'controller',
  2: 'panel',
  3: 'room controller',
  4: 'communication module (Wi-Fi)',
  5: 'valve control',
  6: 'sub room controller',
};

export function firmwareComponentName(code: number): string {
  return FIRMWARE_COMPONENT_NAMES[code] ?? `unknown (${code})`;
}

/** POST /device/firmware/info `data`, one entry per component; versions stay raw (§8.23). */
export function toFirmwareComponents(data: { firmwares: RawFirmware[] }): FirmwareComponent[] {
  if (!data || !Array.isArray(data.firmwares)) {
    throw new NavienError('NAVIEN_API_ERROR', 'Navien firmware answer had no firmware list');
  }
  return data.firmwares.map((fw) => {
    const downloaded = typeof fw.downloadedVersion === 'number' ? fw.downloadedVersion : null;
    return {
      component: firmwareComponentName(fw.curSwCode),
      code: fw.curSwCode,
      currentVersion: fw.curVersion,
      downloadedVersion: downloaded,
      updatePending: downloaded !== null && downloaded !== fw.curVersion,
      deviceGroup: typeof fw.deviceGroup === 'string' ? fw.deviceGroup : null,
    };
  });
}
