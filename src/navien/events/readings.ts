/**
 * What the event detector reads from a decoded status (as navien-status emits it). Each reader
 * returns undefined when the status does not say, so a missing field never looks like a change.
 * Field meanings: NAVIEN-PROTOCOL.md §3.2–3.4.
 */
import type { DecodedStatus } from '../decode/status';
import { errorText } from '../decode/error-codes';

/** Which heat source runs now; null = not heating. */
export type HeatSource = 'heat-pump' | 'element' | 'heat-pump+element';

/** The error a status shows; a tripped leak sensor counts as E799 even without a code. */
export interface ErrorReading {
  code: number;
  subCode: number;
  text: string;
}

const LEAK_CODE = 799;
const POWER_OFF_SETTING = 6;

function bool(status: DecodedStatus, key: string): boolean | undefined {
  const v = status[key];
  return typeof v === 'boolean' ? v : undefined;
}

function num(status: DecodedStatus, key: string): number | undefined {
  const v = status[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

const HEAT_USE: Readonly<Record<number, HeatSource | null>> = {
  0: null,
  1: 'heat-pump',
  2: 'element',
  3: 'heat-pump+element',
};

/**
 * From the compressor and element flags (tri-state: null = not reported). Only when none of
 * them is reported, the currentHeatUse enum stands in. currentInstPower is no guide: it
 * excludes the elements (§3.5).
 */
export function heatSource(status: DecodedStatus): HeatSource | null | undefined {
  const flags = ['compUse', 'heatUpperUse', 'heatLowerUse'].map((key) => bool(status, key));
  const [comp, upper, lower] = flags;
  if (flags.every((f) => f === undefined)) {
    const use = num(status, 'currentHeatUse');
    return use === undefined ? undefined : HEAT_USE[use];
  }
  const element = upper === true || lower === true;
  if (comp === true) return element ? 'heat-pump+element' : 'heat-pump';
  if (element) return 'element';
  // "Not heating" needs every flag to say so; an unreported one leaves it unknown.
  return flags.every((f) => f === false) ? null : undefined;
}

/** The configured mode (dhwOperationSetting) by name; an unknown code stays a number. */
export function modeName(status: DecodedStatus): string | number | undefined {
  const code = num(status, 'dhwOperationSetting');
  if (code === undefined) return undefined;
  const name = status.dhwOperationSettingName;
  return typeof name === 'string' ? name : code;
}

/** Power is off only when the mode says power-off (operationMode 0 is also plain standby, §3.3). */
export function powerOn(status: DecodedStatus): boolean | undefined {
  const code = num(status, 'dhwOperationSetting');
  return code === undefined ? undefined : code !== POWER_OFF_SETTING;
}

/** The set-point in °C whatever the output unit, so a unit switch is not a set-point change. */
export function setpointC(status: DecodedStatus): number | undefined {
  const v = num(status, 'dhwTemperatureSetting');
  if (v === undefined) return undefined;
  return status.temperatureUnit === '°C' ? v : ((v - 32) * 5) / 9;
}

export function setpoint(status: DecodedStatus): number | undefined {
  return num(status, 'dhwTemperatureSetting');
}

export function currentError(status: DecodedStatus): ErrorReading | null | undefined {
  const code = num(status, 'errorCode');
  const leak = bool(status, 'wtrOvrSensorUse');
  if (code === undefined && leak === undefined) return undefined;
  if (code !== undefined && code !== 0) {
    const subCode = num(status, 'subErrorCode') ?? 0;
    const text = typeof status.errorText === 'string' ? status.errorText : errorText(code, subCode);
    return { code, subCode, text: text ?? `E${code}` };
  }
  if (leak === true) return { code: LEAK_CODE, subCode: 0, text: errorText(LEAK_CODE) ?? 'E799' };
  return null;
}

/** Hot water is being drawn (dhwUse), or a prolonged draw is still going (dhwUseSustained). */
export function drawing(status: DecodedStatus): boolean | undefined {
  const now = bool(status, 'dhwUse');
  const sustained = bool(status, 'dhwUseSustained');
  if (now === undefined && sustained === undefined) return undefined;
  return now === true || sustained === true;
}

export function charge(status: DecodedStatus): number | undefined {
  return num(status, 'dhwChargePer');
}
