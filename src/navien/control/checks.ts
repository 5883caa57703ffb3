/**
 * The small checks the control table is written with: payload shapes, capability flags and
 * limits from the feature record, and the user-facing range text. Every failure is a
 * NavienError with a stable code, thrown before anything is published.
 */
import { NavienError, quoteInput } from '../errors';
import { toHalfC, unitLabel, type TempUnit } from '../decode/units';
import { DAYS_MAX, DAYS_MIN } from '../protocol/modes';

export type Feature = Record<string, unknown>;
export type RawStatus = Record<string, unknown>;

export function invalid(message: string): NavienError {
  return new NavienError('NAVIEN_INVALID_INPUT', message);
}

/** A user's value in an error: a short, marked excerpt (errors.ts has the one rule). */
export const show = quoteInput;

export function expectBoolean(key: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw invalid(`msg.payload.${key} must be true or false (got ${show(value)})`);
  return value;
}

export function expectTrue(key: string, value: unknown): true {
  if (value !== true) throw invalid(`msg.payload.${key} must be true (got ${show(value)})`);
  return value;
}

export function isDays(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= DAYS_MIN && value <= DAYS_MAX
  );
}

export function expectDays(key: string, value: unknown, what: string): number {
  if (!isDays(value))
    throw invalid(
      `msg.payload.${key} must be ${what}: a whole number of days from ${DAYS_MIN} to ${DAYS_MAX} (got ${show(value)})`,
    );
  return value;
}

export function expectTemperature(key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(`msg.payload.${key} must be a temperature as a number (got ${show(value)})`);
  return value;
}

export function expectName(key: string, value: unknown, names: readonly string[]): string {
  if (typeof value !== 'string' || !names.includes(value))
    throw invalid(
      `msg.payload.${key} must be one of ${names.map((n) => `"${n}"`).join(', ')} (got ${show(value)})`,
    );
  return value;
}

/** A capability flag is on when the feature record says 2 (raw) or true (decoded). */
export function flagOn(feature: Feature, flag: string): boolean {
  const v = feature[flag];
  return v === 2 || v === true;
}

/** A feature flag a key needs, and what the user is told is missing. */
export interface Capability {
  flag: string;
  what: string;
  /** Which flag values mean "supported" (default: 2 raw, true decoded). */
  accepts?: (value: unknown) => boolean;
}

export function requireCapability(feature: Feature, { flag, what, accepts }: Capability): void {
  if (accepts ? accepts(feature[flag]) : flagOn(feature, flag)) return;
  const v = feature[flag];
  const state = v === undefined ? 'missing from its feature record' : `${show(v)}`;
  throw new NavienError(
    'NAVIEN_UNSUPPORTED',
    `This heater does not support ${what} (capability ${flag} is ${state}); nothing was sent`,
  );
}

/** A half-°C limit from the feature record; a heater that reports none cannot be checked. */
export function halfCLimit(feature: Feature, key: string, what: string): number {
  const v = feature[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new NavienError(
      'NAVIEN_UNSUPPORTED',
      `The heater did not report its ${what} limits (${key}); nothing was sent`,
    );
  return v;
}

export function trim(n: number): string {
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

/** A user temperature as a half-°C parameter, refused outside the heater's limits. */
export function temperatureParam(
  key: string,
  value: number,
  unit: TempUnit,
  limits: { min: number; max: number },
  what: string,
): number {
  const param = toHalfC(value, unit);
  if (param < limits.min || param > limits.max)
    throw invalid(
      `msg.payload.${key} ${trim(value)} ${unitLabel(unit)} is out of range: this heater accepts ${what} of ${displayRange(limits.min, limits.max, unit)}`,
    );
  return param;
}

/** A finite number from a raw status record, or undefined. */
export function num(status: RawStatus, key: string): number | undefined {
  const v = status[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A whole number in [min, max] (the simulator's check of a received parameter). */
export function intIn(v: number | undefined, min: number, max: number): v is number {
  return v !== undefined && Number.isInteger(v) && v >= min && v <= max;
}
