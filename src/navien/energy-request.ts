/** Reads the navien-energy input (`{year, month}` or `{year, months}`) into one query. */
import { NavienError } from './errors';
import type { EnergyQuery } from './mqtt/energy';

const YEAR_MIN = 2000;
const YEAR_MAX = 2100;

function invalid(message: string): NavienError {
  return new NavienError('NAVIEN_INVALID_INPUT', message);
}

function isMonth(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 12;
}

/**
 * `{year, month}`, `{year, months: [...]}`, or anything that is not an object (an inject's
 * timestamp, an empty string) for the current month of `now` (local time).
 */
export function parseEnergyRequest(payload: unknown, now: Date): EnergyQuery {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { year: now.getFullYear(), months: [now.getMonth() + 1] };
  }
  const p = payload as Record<string, unknown>;
  const year = p.year ?? now.getFullYear();
  if (typeof year !== 'number' || !Number.isInteger(year) || year < YEAR_MIN || year > YEAR_MAX)
    throw invalid(
      `msg.payload.year must be a whole year from ${YEAR_MIN} to ${YEAR_MAX} (got ${JSON.stringify(year)})`,
    );
  if (p.month !== undefined && p.months !== undefined)
    throw invalid('msg.payload has both month and months: send one of them');
  if (p.months !== undefined) {
    const months = p.months;
    if (!Array.isArray(months) || months.length === 0 || !months.every(isMonth))
      throw invalid(
        `msg.payload.months must be a non-empty list of months 1–12 (got ${JSON.stringify(months)})`,
      );
    return { year, months: [...new Set(months)] };
  }
  if (p.month === undefined) {
    if (p.year === undefined) return { year, months: [now.getMonth() + 1] };
    throw invalid('msg.payload has a year but no month: add month (1–12) or months ([1, 2, …])');
  }
  if (!isMonth(p.month))
    throw invalid(`msg.payload.month must be a month 1–12 (got ${JSON.stringify(p.month)})`);
  return { year, months: [p.month] };
}
