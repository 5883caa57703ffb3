/**
 * Translates the navien-control payload contract (`{power, temperature, mode, ...}`) into
 * protocol control commands (NAVIEN-PROTOCOL.md §2.7), validating every key against the
 * heater's feature record first. Pure: no I/O, so it is unit-tested on its own. What each key
 * means lives in its entry of the control table (keys.ts); this file only walks the table.
 */
import { resolveTempUnit, type UnitChoice } from '../decode/units';
import { CONTROL_MODES } from '../protocol/commands';
import { DAYS_MAX, DAYS_MIN, DhwMode, SELECTABLE_MODES } from '../protocol/modes';
import { excerpt } from '../errors';
import { invalid, requireCapability, show, type Feature } from './checks';
import {
  USABLE_KEYS,
  isControlKey,
  sendableEntry,
  type ControlKey,
  type ControlValue,
} from './keys';

export { displayRange } from './checks';
export { CONTROL_KEYS, RECIRCULATION_MODES, type ControlKey } from './keys';
/** `dhw-mode` values by name (§3.3) and the capability flag each one needs (§4.1). */
export const MODES = SELECTABLE_MODES;
export const VACATION_MODE = DhwMode.VACATION;
export const POWER_OFF_MODE = DhwMode.POWER_OFF;
export { DAYS_MAX, DAYS_MIN };

/** One key of the user's payload, checked for shape but not yet against the heater. */
export interface ControlEntry {
  key: ControlKey;
  value: ControlValue;
}

/** One protocol command ready to publish to `/ctrl`. */
export interface ControlStep {
  key: ControlKey;
  /** The value as the user gave it. */
  value: ControlValue;
  code: number;
  mode: string;
  param: number[];
  /** Short human text for badges and errors, e.g. "125°F", "mode heat-pump", "power off". */
  label: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks the shape of every key (types, names, day ranges). Throws NAVIEN_INVALID_INPUT for
 * anything wrong and NAVIEN_UNSUPPORTED for a key the vendor app has no command for, so nothing
 * of a bad message is ever sent. Keeps the payload's key order; 0 and false are real values.
 */
export function parseControlPayload(payload: unknown): ControlEntry[] {
  if (!isPlainObject(payload))
    throw invalid(
      `msg.payload must be an object such as {"temperature": 125} (got ${Array.isArray(payload) ? 'an array' : show(payload)})`,
    );
  const keys = Object.keys(payload);
  if (keys.length === 0)
    throw invalid(`msg.payload has no command: use one or more of ${USABLE_KEYS.join(', ')}`);
  return keys.map((key): ControlEntry => {
    if (!isControlKey(key))
      throw invalid(
        `msg.payload.${excerpt(key)} is not a known command: use ${USABLE_KEYS.join(', ')}`,
      );
    return { key, value: sendableEntry(key).parse(payload[key], key) };
  });
}

/**
 * Turns parsed entries into protocol commands, checking each against the feature record
 * (capability flags, set-point limits). `units` is the node's choice; 'auto' follows the
 * heater's display unit. Throws before returning anything, so a message with one bad key sends
 * nothing.
 */
export function buildControlSteps(
  entries: readonly ControlEntry[],
  feature: Feature,
  units: UnitChoice,
): ControlStep[] {
  const unit = resolveTempUnit(units, feature.temperatureType);
  return entries.map(({ key, value }) => {
    const spec = sendableEntry(key);
    for (const capability of spec.capabilities(value)) requireCapability(feature, capability);
    const { mode, param, label } = spec.encode(value, { feature, unit }, key);
    return { key, value, code: CONTROL_MODES[mode], mode, param, label };
  });
}

/** Whether any entry needs the feature record (capability flags or limits). */
export function needsFeature(entries: readonly ControlEntry[]): boolean {
  return entries.some((e) => sendableEntry(e.key).needsFeature);
}
