/**
 * Translates the navien-control payload contract (`{power, temperature, mode, ...}`) into
 * protocol control commands (NAVIEN-PROTOCOL.md §2.7), validating every key against the
 * heater's feature record first. Pure: no I/O, so it is unit-tested on its own.
 */
import { NavienError, excerpt, quoteInput } from '../errors';
import { Command } from '../mqtt/envelope';
import {
  resolveTempUnit,
  toHalfC,
  unitLabel,
  type TempUnit,
  type UnitChoice,
} from '../decode/units';

/** Every accepted payload key, in the order the help lists them. */
export const CONTROL_KEYS = [
  'power',
  'temperature',
  'mode',
  'vacation',
  'antiLegionella',
  'tou',
  'demandResponse',
  'freezeProtection',
  'recirculation',
  'hotButton',
  'airFilterReset',
  'intelligent',
] as const;

export type ControlKey = (typeof CONTROL_KEYS)[number];

/** `dhw-mode` values by name (§3.3) and the capability flag each one needs (§4.1). */
export const MODES: Readonly<Record<string, { value: number; flag: string }>> = {
  'heat-pump': { value: 1, flag: 'heatpumpUse' },
  electric: { value: 2, flag: 'electricUse' },
  'energy-saver': { value: 3, flag: 'energySaverUse' },
  'high-demand': { value: 4, flag: 'highDemandUse' },
};
export const VACATION_MODE = 5;
export const POWER_OFF_MODE = 6;

/** `recirc-mode` parameters (§3.3). */
export const RECIRCULATION_MODES: Readonly<Record<string, number>> = {
  always: 1,
  button: 2,
  schedule: 3,
  temperature: 4,
};

/** Days accepted by vacation and the anti-legionella period (§2.7). */
export const DAYS_MIN = 1;
export const DAYS_MAX = 30;

/** One key of the user's payload, checked for shape but not yet against the heater. */
export interface ControlEntry {
  key: ControlKey;
  value: boolean | number | string;
}

/** One protocol command ready to publish to `/ctrl`. */
export interface ControlStep {
  key: ControlKey;
  /** The value as the user gave it. */
  value: boolean | number | string;
  code: number;
  mode: string;
  param: number[];
  /** Short human text for badges and errors, e.g. "125°F", "mode heat-pump", "power off". */
  label: string;
}

type Feature = Record<string, unknown>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(message: string): NavienError {
  return new NavienError('NAVIEN_INVALID_INPUT', message);
}

/** A user's value in an error: a short, marked excerpt (errors.ts has the one rule). */
const show = quoteInput;

function expectBoolean(key: ControlKey, value: unknown, only?: true): boolean {
  if (only && value !== true) throw invalid(`msg.payload.${key} must be true (got ${show(value)})`);
  if (typeof value !== 'boolean')
    throw invalid(`msg.payload.${key} must be true or false (got ${show(value)})`);
  return value;
}

function expectDays(key: ControlKey, value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < DAYS_MIN || value > DAYS_MAX)
    throw invalid(
      `msg.payload.${key} must be ${what}: a whole number of days from ${DAYS_MIN} to ${DAYS_MAX} (got ${show(value)})`,
    );
  return value;
}

function expectTemperature(key: ControlKey, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(`msg.payload.${key} must be a temperature as a number (got ${show(value)})`);
  return value;
}

function expectName(key: ControlKey, value: unknown, names: readonly string[]): string {
  if (typeof value !== 'string' || !names.includes(value))
    throw invalid(
      `msg.payload.${key} must be one of ${names.map((n) => `"${n}"`).join(', ')} (got ${show(value)})`,
    );
  return value;
}

/**
 * Checks the shape of every key (types, names, day ranges). Throws NAVIEN_INVALID_INPUT for
 * anything wrong, so nothing of a bad message is ever sent. Keeps the payload's key order;
 * 0 and false are real values.
 */
export function parseControlPayload(payload: unknown): ControlEntry[] {
  if (!isPlainObject(payload))
    throw invalid(
      `msg.payload must be an object such as {"temperature": 125} (got ${Array.isArray(payload) ? 'an array' : show(payload)})`,
    );
  const keys = Object.keys(payload);
  if (keys.length === 0)
    throw invalid(`msg.payload has no command: use one or more of ${CONTROL_KEYS.join(', ')}`);
  return keys.map((key): ControlEntry => {
    if (!(CONTROL_KEYS as readonly string[]).includes(key))
      throw invalid(
        `msg.payload.${excerpt(key)} is not a known command: use ${CONTROL_KEYS.join(', ')}`,
      );
    const k = key as ControlKey;
    const value = payload[key];
    switch (k) {
      case 'power':
      case 'tou':
      case 'demandResponse':
      case 'intelligent':
        return { key: k, value: expectBoolean(k, value) };
      case 'hotButton':
      case 'airFilterReset':
        return { key: k, value: expectBoolean(k, value, true) };
      case 'temperature':
      case 'freezeProtection':
        return { key: k, value: expectTemperature(k, value) };
      case 'mode':
        return { key: k, value: expectName(k, value, Object.keys(MODES)) };
      case 'recirculation':
        return { key: k, value: expectName(k, value, Object.keys(RECIRCULATION_MODES)) };
      case 'vacation':
        return { key: k, value: expectDays(k, value, 'the vacation length') };
      case 'antiLegionella':
        if (value === false) return { key: k, value };
        return { key: k, value: expectDays(k, value, 'false or the period') };
    }
  });
}

/** A capability flag is on when the feature record says 2 (raw) or true (decoded). */
function flagOn(feature: Feature, flag: string): boolean {
  const v = feature[flag];
  return v === 2 || v === true;
}

function requireFlag(feature: Feature, flag: string, what: string): void {
  if (flagOn(feature, flag)) return;
  const v = feature[flag];
  const state = v === undefined ? 'missing from its feature record' : `${show(v)}`;
  throw new NavienError(
    'NAVIEN_UNSUPPORTED',
    `This heater does not support ${what} (capability ${flag} is ${state}); nothing was sent`,
  );
}

function halfCLimit(feature: Feature, key: string, what: string): number {
  const v = feature[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new NavienError(
      'NAVIEN_UNSUPPORTED',
      `The heater did not report its ${what} limits (${key}); nothing was sent`,
    );
  return v;
}

function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/**
 * The range a user may type in `unit` for half-°C limits, as the values that map inside them:
 * in °F whole degrees (81..131 half-°C → 105–150 °F), in °C the limits themselves.
 */
export function displayRange(minHalfC: number, maxHalfC: number, unit: TempUnit): string {
  if (unit === 'C') return `${trim(minHalfC / 2)}–${trim(maxHalfC / 2)} °C`;
  let lo = Math.floor((minHalfC / 2) * 1.8 + 32) - 1;
  while (toHalfC(lo, 'F') < minHalfC) lo++;
  let hi = Math.ceil((maxHalfC / 2) * 1.8 + 32) + 1;
  while (toHalfC(hi, 'F') > maxHalfC) hi--;
  return `${lo}–${hi} °F`;
}

function temperatureParam(
  key: ControlKey,
  value: number,
  unit: TempUnit,
  min: number,
  max: number,
  what: string,
): number {
  const param = toHalfC(value, unit);
  if (param < min || param > max)
    throw invalid(
      `msg.payload.${key} ${trim(value)} ${unitLabel(unit)} is out of range: this heater accepts ${what} of ${displayRange(min, max, unit)}`,
    );
  return param;
}

function step(
  entry: ControlEntry,
  code: number,
  mode: string,
  param: number[],
  label: string,
): ControlStep {
  return { key: entry.key, value: entry.value, code, mode, param, label };
}

/**
 * Turns parsed entries into protocol commands, checking each against the feature record
 * (capability flags, set-point and freeze-protection limits). `units` is the node's choice;
 * 'auto' follows the heater's display unit. Throws before returning anything, so a message with
 * one bad key sends nothing.
 */
export function buildControlSteps(
  entries: readonly ControlEntry[],
  feature: Feature,
  units: UnitChoice,
): ControlStep[] {
  const unit = resolveTempUnit(units, feature.temperatureType);
  return entries.map((entry) => {
    const { key, value } = entry;
    switch (key) {
      case 'power':
        requireFlag(feature, 'powerUse', 'power on/off');
        return value
          ? step(entry, Command.POWER_ON, 'power-on', [], 'power on')
          : step(entry, Command.POWER_OFF, 'power-off', [], 'power off');
      case 'temperature': {
        const use = feature.dhwTemperatureSettingUse;
        if (typeof use !== 'number' || use === 0 || use === 1) {
          throw new NavienError(
            'NAVIEN_UNSUPPORTED',
            `This heater does not allow set-point changes (capability dhwTemperatureSettingUse is ${use === undefined ? 'missing' : show(use)}); nothing was sent`,
          );
        }
        const min = halfCLimit(feature, 'dhwTemperatureMin', 'set-point');
        const max = halfCLimit(feature, 'dhwTemperatureMax', 'set-point');
        const param = temperatureParam(key, value as number, unit, min, max, 'set-points');
        return step(
          entry,
          Command.DHW_TEMPERATURE,
          'dhw-temperature',
          [param],
          `${trim(value as number)}${unitLabel(unit)}`,
        );
      }
      case 'mode': {
        const mode = MODES[value as string];
        if (!mode) throw invalid(`msg.payload.mode ${show(value)} is not a mode`);
        requireFlag(feature, 'dhwUse', 'hot-water modes');
        requireFlag(feature, mode.flag, `the ${String(value)} mode`);
        return step(entry, Command.DHW_MODE, 'dhw-mode', [mode.value], `mode ${String(value)}`);
      }
      case 'vacation':
        requireFlag(feature, 'dhwUse', 'hot-water modes');
        requireFlag(feature, 'holidayUse', 'vacation mode');
        return step(
          entry,
          Command.DHW_MODE,
          'dhw-mode',
          [VACATION_MODE, value as number],
          `vacation ${String(value)} d`,
        );
      case 'antiLegionella':
        requireFlag(feature, 'antiLegionellaSettingUse', 'anti-legionella settings');
        return value === false
          ? step(entry, Command.ANTI_LEGIONELLA_OFF, 'anti-leg-off', [], 'anti-legionella off')
          : step(
              entry,
              Command.ANTI_LEGIONELLA_ON,
              'anti-leg-on',
              [value as number],
              `anti-legionella ${String(value)} d`,
            );
      case 'tou':
        requireFlag(feature, 'programReservationUse', 'time-of-use scheduling');
        return value
          ? step(entry, Command.TOU_ON, 'tou-on', [], 'TOU on')
          : step(entry, Command.TOU_OFF, 'tou-off', [], 'TOU off');
      case 'demandResponse':
        requireFlag(feature, 'drSettingUse', 'demand response');
        return value
          ? step(entry, Command.DR_ON, 'dr-on', [], 'DR on')
          : step(entry, Command.DR_OFF, 'dr-off', [], 'DR off');
      case 'freezeProtection': {
        requireFlag(feature, 'freezeProtectionUse', 'freeze protection');
        const min = halfCLimit(feature, 'freezeProtectionTempMin', 'freeze-protection');
        const max = halfCLimit(feature, 'freezeProtectionTempMax', 'freeze-protection');
        const param = temperatureParam(
          key,
          value as number,
          unit,
          min,
          max,
          'freeze-protection temperatures',
        );
        return step(
          entry,
          Command.FREZ_TEMP,
          'frez-temp',
          [param],
          `freeze ${trim(value as number)}${unitLabel(unit)}`,
        );
      }
      case 'recirculation': {
        requireFlag(feature, 'recirculationUse', 'recirculation');
        const param = RECIRCULATION_MODES[value as string];
        if (param === undefined)
          throw invalid(`msg.payload.recirculation ${show(value)} is not a mode`);
        return step(entry, Command.RECIR_MODE, 'recirc-mode', [param], `recirc ${String(value)}`);
      }
      case 'hotButton':
        requireFlag(feature, 'recirculationUse', 'the recirculation hot button');
        return step(entry, Command.RECIR_HOT_BTN, 'recirc-hotbtn', [1], 'hot button');
      case 'airFilterReset':
        return step(entry, Command.AIR_FILTER_RESET, 'air-filter-reset', [], 'filter reset');
      case 'intelligent':
        return value
          ? step(entry, Command.RESERVATION_INTELLIGENT_ON, 'intelligent-on', [], 'intelligent on')
          : step(
              entry,
              Command.RESERVATION_INTELLIGENT_OFF,
              'intelligent-off',
              [],
              'intelligent off',
            );
    }
  });
}

/** Whether any entry needs the feature record (all but the flag-free ones do). */
export function needsFeature(entries: readonly ControlEntry[]): boolean {
  return entries.some((e) => e.key !== 'airFilterReset' && e.key !== 'intelligent');
}
