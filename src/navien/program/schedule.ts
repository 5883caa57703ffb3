/**
 * The heater's weekly program (reservations, NAVIEN-PROTOCOL.md §9.1, §4.4): reads both answer
 * forms (JSON list on `res/rsv/rd`, hex string on `res/rsv`) into one raw form, decodes it for
 * flows, and gives the order-independent canonical form behind `hash` and write confirmation.
 */
import { createHash } from 'node:crypto';
import { NavienError } from '../errors';
import { decodeWeekMask, formatClock } from '../decode/tou';
import { fromHalfC, type TempUnit } from '../decode/units';
import { isPlainObject } from './fields';

/** One entry as on the wire: enable 2 on / 1 off, week mask, local time, DHW mode 1–6, half-°C. */
export interface RawReservationEntry {
  enable: number;
  week: number;
  hour: number;
  min: number;
  mode: number;
  param: number;
}

export interface RawScheduleProgram {
  /** 2 = program on, 1 = off. */
  reservationUse: number;
  reservation: RawReservationEntry[];
}

export const SCHEDULE_MODES = [
  'heat-pump',
  'electric',
  'energy-saver',
  'high-demand',
  'vacation',
  'power-off',
] as const;

export type ScheduleMode = (typeof SCHEDULE_MODES)[number];

/** Wire mode id of each name: position + 1 (§9.1: 1 heat pump … 6 power off). */
export function modeId(mode: ScheduleMode): number {
  return SCHEDULE_MODES.indexOf(mode) + 1;
}

export function modeName(id: number): ScheduleMode | null {
  return SCHEDULE_MODES[id - 1] ?? null;
}

/**
 * Vacation and power-off entries carry no set-point. What `param` such an entry needs is not
 * known (§8.30), so it is ignored when programs are compared and shown as null.
 */
export function modeHasTemperature(id: number): boolean {
  return id >= 1 && id <= 4;
}

export const ENTRY_ENABLED = 2;
export const ENTRY_DISABLED = 1;
export const PROGRAM_ON = 2;
export const PROGRAM_OFF = 1;

export interface ScheduleEntry {
  enabled: boolean;
  /** English day names in week order, Monday first. */
  days: string[];
  /** "HH:MM", the heater's local time. */
  time: string;
  /** null for a mode id this package does not know (kept as is on writes that keep the entry). */
  mode: ScheduleMode | null;
  /** Set-point in the chosen unit; null where the mode has none. */
  temperature: number | null;
}

export interface ScheduleProgram {
  enabled: boolean;
  entries: ScheduleEntry[];
  /** Short digest, equal for equal programs whatever the entry order. */
  hash: string;
}

const HEX_RECORD_DIGITS = 12;

function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

/**
 * Whether the hex form is padded with empty slots is not documented (§8.32); empty records are
 * skipped either way, so both forms decode to the same list.
 * The hex form: 6 bytes per entry (enable, week, hour, min, mode, param). All-zero records are
 * padding and skipped; a tail shorter than a record is ignored (§9.1, as the reference does).
 */
export function decodeReservationHex(hex: string): RawReservationEntry[] {
  const digits = hex.trim();
  if (!/^[0-9a-fA-F]*$/.test(digits)) {
    throw new NavienError('NAVIEN_API_ERROR', 'The heater sent a weekly program that is not hex');
  }
  const entries: RawReservationEntry[] = [];
  for (let at = 0; at + HEX_RECORD_DIGITS <= digits.length; at += HEX_RECORD_DIGITS) {
    const bytes = [0, 1, 2, 3, 4, 5].map((i) =>
      parseInt(digits.slice(at + 2 * i, at + 2 * i + 2), 16),
    );
    if (bytes.every((b) => b === 0)) continue;
    const [enable, week, hour, min, mode, param] = bytes as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    entries.push({ enable, week, hour, min, mode, param });
  }
  return entries;
}

/** Either answer form (or a write echo) → the raw program. A missing list is an empty one. */
export function readRawSchedule(response: Record<string, unknown>): RawScheduleProgram {
  const list = response.reservation;
  const reservation =
    typeof list === 'string'
      ? decodeReservationHex(list)
      : (Array.isArray(list) ? list : []).filter(isPlainObject).map((e): RawReservationEntry => ({
          enable: int(e.enable),
          week: int(e.week),
          hour: int(e.hour),
          min: int(e.min),
          mode: int(e.mode),
          param: int(e.param),
        }));
  return { reservationUse: int(response.reservationUse), reservation };
}

export function decodeScheduleEntry(raw: RawReservationEntry, unit: TempUnit): ScheduleEntry {
  return {
    enabled: raw.enable === ENTRY_ENABLED,
    days: decodeWeekMask(raw.week),
    time: formatClock(raw.hour, raw.min),
    mode: modeName(raw.mode),
    temperature: modeHasTemperature(raw.mode) ? fromHalfC(raw.param, unit) : null,
  };
}

/** Canonical text of a program: on/off plus the sorted entries, param dropped where unused. */
export function canonicalSchedule(program: RawScheduleProgram): string {
  const entries = program.reservation
    .map((e) =>
      [
        e.enable === ENTRY_ENABLED ? 1 : 0,
        e.week & 0xfe,
        e.hour,
        e.min,
        e.mode,
        modeHasTemperature(e.mode) ? e.param : 0,
      ].join(','),
    )
    .sort();
  return JSON.stringify({ on: program.reservationUse === PROGRAM_ON, entries });
}

/** First 12 hex digits of SHA-256 over the canonical text: unit- and order-independent. */
export function scheduleHash(program: RawScheduleProgram): string {
  return createHash('sha256').update(canonicalSchedule(program)).digest('hex').slice(0, 12);
}

/**
 * True when two programs hold the same entries and switch (order does not matter). A write is
 * confirmed only this way: writes are sometimes lost without any error (§8.29).
 * Help: "A write is confirmed by reading the program back; the heater has been seen to drop a
 * write silently, so an unconfirmed write is reported as a timeout, not as done."
 */
export function sameSchedule(a: RawScheduleProgram, b: RawScheduleProgram): boolean {
  return canonicalSchedule(a) === canonicalSchedule(b);
}

export function decodeRawSchedule(program: RawScheduleProgram, unit: TempUnit): ScheduleProgram {
  return {
    enabled: program.reservationUse === PROGRAM_ON,
    entries: program.reservation.map((e) => decodeScheduleEntry(e, unit)),
    hash: scheduleHash(program),
  };
}

/** A read answer or write echo (`response` object, either form) → what a flow sees. */
export function decodeSchedule(response: Record<string, unknown>, unit: TempUnit): ScheduleProgram {
  return decodeRawSchedule(readRawSchedule(response), unit);
}
