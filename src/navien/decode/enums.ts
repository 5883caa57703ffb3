/**
 * Enumerations of the status and feature records (NAVIEN-PROTOCOL.md §3.3), named in kebab-case.
 * Unknown codes have no name: callers keep the raw number and report the name as null.
 */

/** The heater-mode names live with the rest of the protocol vocabulary. */
export { DHW_OPERATION_SETTING, RECIRC_OPERATION_MODE } from '../protocol/modes';

export const OPERATION_MODE: Readonly<Record<number, string>> = {
  0: 'standby',
  32: 'heat-pump',
  64: 'hybrid-efficiency',
  96: 'hybrid-boost',
};

export const CURRENT_HEAT_USE: Readonly<Record<number, string>> = {
  0: 'none',
  1: 'heat-pump',
  2: 'element',
  3: 'heat-pump+element',
};

/** CTA-2045 demand-response event. */
export const DR_EVENT_STATUS: Readonly<Record<number, string>> = {
  0: 'none',
  1: 'run-normal',
  2: 'shed',
  3: 'loadup',
  4: 'loadup-advanced',
  5: 'customer-peak-event',
};

export const TEMPERATURE_TYPE: Readonly<Record<number, string>> = {
  1: 'celsius',
  2: 'fahrenheit',
};

export const TEMP_FORMULA_TYPE: Readonly<Record<number, string>> = {
  0: 'asymmetric',
  1: 'standard',
};

/** Feature `dhwTemperatureSettingUse`: set-point granularity. */
export const DHW_TEMPERATURE_SETTING_USE: Readonly<Record<number, string>> = {
  0: 'unknown',
  1: 'disabled',
  2: 'half-degree',
  3: 'one-degree',
  4: 'three-stage',
};

/** Feature `volumeCode`: nominal tank size. */
export const VOLUME_CODE: Readonly<Record<number, { name: string; gallons: number }>> = {
  1: { name: '50 gal', gallons: 50 },
  2: { name: '65 gal', gallons: 65 },
  3: { name: '80 gal', gallons: 80 },
};

export const MODEL_TYPE_CODE: Readonly<Record<number, string>> = {
  513: 'NPF heat-pump water heater',
};

/** Name of `code` in `table`, or null when the code is unknown or not a number. */
export function enumName(table: Readonly<Record<number, string>>, code: unknown): string | null {
  if (typeof code !== 'number') return null;
  return Object.prototype.hasOwnProperty.call(table, code) ? (table[code] ?? null) : null;
}
