import { NavienError } from '../errors';
import type { RawTouInterval, RawTouResponse, TouPeriod, TouPlan } from '../types';

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** Week mask bits, "MGPP" layout (§4.3): Sun 128, Mon 64 … Sat 2; listed Monday first. */
export const WEEKDAY_BITS: readonly (readonly [string, number])[] = [
  ['Monday', 64],
  ['Tuesday', 32],
  ['Wednesday', 16],
  ['Thursday', 8],
  ['Friday', 4],
  ['Saturday', 2],
  ['Sunday', 128],
];

/** Month m ↔ bit m−1 (January = 1 … December = 2048). */
export function decodeSeasonMask(mask: number): string[] {
  return MONTH_NAMES.filter((_, index) => (mask & (1 << index)) !== 0);
}

export function decodeWeekMask(mask: number): string[] {
  return WEEKDAY_BITS.filter(([, bit]) => (mask & bit) !== 0).map(([day]) => day);
}

/** "HH:MM". */
export function formatClock(hour: number, minute: number): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** value / 10^decimalPoint, rounded to decimalPoint digits so 28412/5 is 0.28412 exactly. */
export function decodePrice(value: number, decimalPoint: number): number {
  const digits = Math.min(Math.max(Math.trunc(decimalPoint), 0), 20);
  return Number((value / 10 ** digits).toFixed(digits));
}

/** The reference library's model default when a period has no `decimalPoint` (§4.3, §9.2). */
export const DEFAULT_DECIMAL_POINT = 5;

/** A period's price, or null when the plan has none (a missing price is never NaN). */
export function decodePeriodPrice(value: unknown, decimalPoint: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const digits =
    typeof decimalPoint === 'number' && Number.isFinite(decimalPoint)
      ? decimalPoint
      : DEFAULT_DECIMAL_POINT;
  return decodePrice(value, digits);
}

/** One period (REST interval or MQTT reservation item) in the shape flows see. */
export function toPeriod(interval: RawTouInterval): TouPeriod {
  return {
    days: decodeWeekMask(interval.week),
    start: formatClock(interval.startHour, interval.startMinute),
    end: formatClock(interval.endHour, interval.endMinute),
    priceMin: decodePeriodPrice(interval.priceMin, interval.decimalPoint),
    priceMax: decodePeriodPrice(interval.priceMax, interval.decimalPoint),
  };
}

/** GET /device/tou `data` made readable; the untouched answer is kept under `raw`. */
export function decodeTou(raw: RawTouResponse): TouPlan {
  const info = raw?.touInfo;
  if (!info || typeof info !== 'object') {
    throw new NavienError('NAVIEN_API_ERROR', 'Navien TOU answer had no touInfo');
  }
  const schedule = Array.isArray(info.schedule) ? info.schedule : [];
  return {
    name: typeof info.name === 'string' ? info.name : null,
    utility: typeof info.utility === 'string' ? info.utility : null,
    zipCode:
      info.zipCode === undefined || info.zipCode === null || info.zipCode === ''
        ? null
        : String(info.zipCode),
    controllerId: typeof info.controllerId === 'string' ? info.controllerId : null,
    seasons: schedule.map((season) => ({
      months: decodeSeasonMask(season.season),
      periods: (Array.isArray(season.interval) ? season.interval : []).map(toPeriod),
    })),
    raw,
  };
}
