/**
 * Validates weekly-program entries written by users (`{enabled, days, time, mode,
 * temperature}`) against the heater's feature record and turns them into wire entries
 * (NAVIEN-PROTOCOL.md §9.1.4). Every problem is a NAVIEN_INVALID_INPUT naming the entry index and
 * field, thrown before anything can be sent.
 */
import { NavienError } from '../errors';
import { toHalfC, unitLabel, type TempUnit } from '../decode/units';
import { displayRange } from '../control/commands';
import { invalidField, isPlainObject, parseClock, parseDays } from './fields';
import {
  ENTRY_DISABLED,
  ENTRY_ENABLED,
  modeHasTemperature,
  modeId,
  PROGRAM_OFF,
  PROGRAM_ON,
  SCHEDULE_MODES,
  type RawReservationEntry,
  type RawScheduleProgram,
  type ScheduleMode,
} from './schedule';

/**
 * Navien's documented limit; one unit took 32 in a test (§9.1, §8.28), so callers may raise it.
 * Help: "The heater holds 16 entries as documented; more were stored in one test, but what a
 * heater does with a longer list is not known."
 */
export const DEFAULT_MAX_SCHEDULE_ENTRIES = 16;

export interface ScheduleInputContext {
  /** The node's resolved unit for `temperature`. */
  unit: TempUnit;
  /** The heater's raw feature record (half-°C limits, capability flags). */
  feature: Record<string, unknown>;
  maxEntries?: number;
}

/** Capability flag that offers each mode (§4.1); power-off is the power switch. */
const MODE_FLAGS: Readonly<Record<ScheduleMode, string>> = {
  'heat-pump': 'heatpumpUse',
  electric: 'electricUse',
  'energy-saver': 'energySaverUse',
  'high-demand': 'highDemandUse',
  vacation: 'holidayUse',
  'power-off': 'powerUse',
};

function setPointLimits(feature: Record<string, unknown>): { min: number; max: number } {
  const min = feature.dhwTemperatureMin;
  const max = feature.dhwTemperatureMax;
  if (typeof min !== 'number' || typeof max !== 'number') {
    throw new NavienError(
      'NAVIEN_UNSUPPORTED',
      'The heater did not report its set-point limits (dhwTemperatureMin/Max); nothing was sent',
    );
  }
  return { min, max };
}

/*
 * Power-off entries are accepted, but none has been tried on a real heater (§8.30).
 * Help: "A power-off entry has never been tested on a real heater (the matching mode command
 * switched one unit to Energy Saver instead); to switch off at a set time, prefer the power key
 * of navien-control."
 */
function parseMode(value: unknown, path: string, feature: Record<string, unknown>): number {
  const mode = SCHEDULE_MODES.find((m) => m === value);
  if (!mode) {
    throw invalidField(
      path,
      `must be one of ${SCHEDULE_MODES.map((m) => `"${m}"`).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  const flag = feature[MODE_FLAGS[mode]];
  // A flag the record lacks is not held against the entry; one that says "no" is.
  if (flag !== undefined && flag !== 2 && flag !== true) {
    throw invalidField(
      path,
      `"${mode}" is not offered by this heater (${MODE_FLAGS[mode]} is off)`,
    );
  }
  return modeId(mode);
}

function parseTemperature(
  value: unknown,
  path: string,
  ctx: ScheduleInputContext,
  mode: number,
): number {
  if (!modeHasTemperature(mode)) {
    if (value === undefined || value === null) return 0;
    throw invalidField(path, 'must be left out or null: this mode has no set-point');
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidField(
      path,
      `must be a number in ${unitLabel(ctx.unit)}, got ${JSON.stringify(value)}`,
    );
  }
  const { min, max } = setPointLimits(ctx.feature);
  const param = toHalfC(value, ctx.unit);
  if (param < min || param > max) {
    throw invalidField(
      path,
      `${value} ${unitLabel(ctx.unit)} is out of range: this heater accepts ${displayRange(min, max, ctx.unit)}`,
    );
  }
  return param;
}

/**
 * One entry → wire form. With `base` (an update), fields the user left out keep the base
 * entry's values; without it, `days`, `time` and `mode` are required and `enabled` is true.
 */
export function parseScheduleEntry(
  value: unknown,
  path: string,
  ctx: ScheduleInputContext,
  base?: RawReservationEntry,
): RawReservationEntry {
  if (!isPlainObject(value)) {
    throw invalidField(
      path,
      `must be an object {enabled, days, time, mode, temperature}, got ${JSON.stringify(value)}`,
    );
  }
  const has = (key: string) => value[key] !== undefined;
  const need = (key: string) => {
    if (!base && !has(key)) throw invalidField(`${path}.${key}`, 'is missing');
  };
  need('days');
  need('time');
  need('mode');
  if (has('enabled') && typeof value.enabled !== 'boolean') {
    throw invalidField(
      `${path}.enabled`,
      `must be true or false, got ${JSON.stringify(value.enabled)}`,
    );
  }
  const enable = has('enabled')
    ? value.enabled
      ? ENTRY_ENABLED
      : ENTRY_DISABLED
    : (base?.enable ?? ENTRY_ENABLED);
  const week = has('days') ? parseDays(value.days, `${path}.days`) : (base?.week ?? 0);
  const clock = has('time')
    ? parseClock(value.time, `${path}.time`)
    : { hour: base?.hour ?? 0, minute: base?.min ?? 0 };
  const mode = has('mode') ? parseMode(value.mode, `${path}.mode`, ctx.feature) : (base?.mode ?? 0);
  // An update that keeps the mode and leaves out the temperature keeps the set-point.
  const keepParam = base !== undefined && !has('temperature') && mode === base.mode;
  const param = keepParam
    ? base.param
    : parseTemperature(value.temperature, `${path}.temperature`, ctx, mode);
  return { enable, week, hour: clock.hour, min: clock.minute, mode, param };
}

function maxEntries(ctx: ScheduleInputContext): number {
  return ctx.maxEntries ?? DEFAULT_MAX_SCHEDULE_ENTRIES;
}

/** Throws when `count` entries would exceed the heater's limit. */
export function checkEntryCount(count: number, ctx: ScheduleInputContext, path = 'entries'): void {
  if (count > maxEntries(ctx)) {
    throw invalidField(path, `has ${count} entries; the heater holds at most ${maxEntries(ctx)}`);
  }
}

/** A whole list (`entries[i]` in messages). */
export function parseScheduleEntries(
  value: unknown,
  ctx: ScheduleInputContext,
): RawReservationEntry[] {
  if (!Array.isArray(value)) {
    throw invalidField('entries', `must be a list of entries, got ${JSON.stringify(value)}`);
  }
  checkEntryCount(value.length, ctx);
  return value.map((entry, i) => parseScheduleEntry(entry, `entries[${i}]`, ctx));
}

export function parseProgramSwitch(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw invalidField('enabled', `must be true or false, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `{entries, enabled?}` (whole-list write; program on unless enabled is false) → wire program. */
export function parseScheduleWrite(
  payload: Record<string, unknown>,
  ctx: ScheduleInputContext,
): RawScheduleProgram {
  const reservation = parseScheduleEntries(payload.entries, ctx);
  const on = parseProgramSwitch(payload.enabled, true);
  return { reservationUse: on ? PROGRAM_ON : PROGRAM_OFF, reservation };
}

/** The extra `request` keys of the full-list write (16777226 on `ctrl/rsv/rd`). */
export function scheduleWriteFields(program: RawScheduleProgram): {
  reservationUse: number;
  reservation: RawReservationEntry[];
} {
  return {
    reservationUse: program.reservationUse,
    reservation: program.reservation.map((e) => ({ ...e })),
  };
}
