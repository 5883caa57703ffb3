/**
 * Parsers for the fields users write in programs (weekly schedule, TOU plan): day lists, month
 * lists and "HH:MM" clocks, each turned into its wire form. Every failure is one
 * NAVIEN_INVALID_INPUT that names the field by its path, e.g. `entries[2].days`.
 */
import { NavienError } from '../errors';
import { MONTH_NAMES, WEEKDAY_BITS } from '../decode/tou';

export function invalidField(path: string, message: string): NavienError {
  return new NavienError('NAVIEN_INVALID_INPUT', `${path} ${message}`);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const WEEKDAYS_MASK = 64 | 32 | 16 | 8 | 4;
const WEEKEND_MASK = 128 | 2;
const EVERY_DAY_MASK = WEEKDAYS_MASK | WEEKEND_MASK;

/** Lower-case day words → week-mask bits (§4.3: Sun 128, Mon 64 … Sat 2, bit 0 unused). */
const DAY_WORDS: ReadonlyMap<string, number> = new Map<string, number>([
  ...WEEKDAY_BITS.map(([name, bit]) => [name.toLowerCase(), bit] as const),
  ...WEEKDAY_BITS.map(([name, bit]) => [name.slice(0, 3).toLowerCase(), bit] as const),
  ['weekdays', WEEKDAYS_MASK],
  ['weekend', WEEKEND_MASK],
  ['every day', EVERY_DAY_MASK],
]);

/**
 * Day names ("Monday"…"Sunday", "Mon"…"Sun", "weekdays", "weekend", "every day"; any case),
 * one string or a non-empty list of them, → the week mask.
 */
export function parseDays(value: unknown, path: string): number {
  const words = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(words) || words.length === 0) {
    throw invalidField(
      path,
      `must be a day name or a list of them ("Monday"…"Sunday", "Mon"…"Sun", "weekdays", "weekend", "every day"), got ${JSON.stringify(value)}`,
    );
  }
  let mask = 0;
  for (const word of words) {
    const bit = typeof word === 'string' ? DAY_WORDS.get(word.trim().toLowerCase()) : undefined;
    if (bit === undefined) {
      throw invalidField(
        path,
        `has ${JSON.stringify(word)}, which is not a day ("Monday"…"Sunday", "Mon"…"Sun", "weekdays", "weekend", "every day")`,
      );
    }
    mask |= bit;
  }
  return mask;
}

/** Month names ("January", "Jan"; any case) or numbers 1–12, a non-empty list → the season mask. */
export function parseMonths(value: unknown, path: string): number {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidField(
      path,
      `must be a non-empty list of months ("January"… or 1–12), got ${JSON.stringify(value)}`,
    );
  }
  let mask = 0;
  for (const month of value) {
    const index = monthIndex(month);
    if (index === -1) {
      throw invalidField(path, `has ${JSON.stringify(month)}, which is not a month`);
    }
    mask |= 1 << index;
  }
  return mask;
}

function monthIndex(month: unknown): number {
  if (typeof month === 'number') {
    return Number.isInteger(month) && month >= 1 && month <= 12 ? month - 1 : -1;
  }
  if (typeof month !== 'string') return -1;
  const word = month.trim().toLowerCase();
  return MONTH_NAMES.findIndex(
    (name) => name.toLowerCase() === word || name.slice(0, 3).toLowerCase() === word,
  );
}

export interface Clock {
  hour: number;
  minute: number;
}

/** "HH:MM" (or "H:MM"), 00:00–23:59. */
export function parseClock(value: unknown, path: string): Clock {
  const match = typeof value === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(value.trim()) : null;
  const hour = match ? Number(match[1]) : NaN;
  const minute = match ? Number(match[2]) : NaN;
  if (!(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59)) {
    throw invalidField(
      path,
      `must be a time "HH:MM" from 00:00 to 23:59, got ${JSON.stringify(value)}`,
    );
  }
  return { hour, minute };
}
