/**
 * The monthly energy-history query (16777226 on `st/energy-usage-monthly-query/rd`,
 * NAVIEN-PROTOCOL.md §9.3.1): the user's `{years}` / `{year}` read into one list of years, the
 * request's extra keys, and the test that tells whether an answer is the one for this query.
 */
import { NavienError } from './errors';

/** The reference library accepts 2000–2099 (§9.3). */
const YEAR_MIN = 2000;
const YEAR_MAX = 2099;

export interface EnergyHistoryQuery {
  years: number[];
}

function isYear(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= YEAR_MIN && v <= YEAR_MAX;
}

function invalid(message: string): NavienError {
  return new NavienError('NAVIEN_INVALID_INPUT', message);
}

/**
 * `{years: [2025, 2026]}`, `{year: 2026}`, or anything without either (an inject's timestamp)
 * for the current year of `now` (local time). Duplicates are dropped, the order kept.
 */
export function parseEnergyHistoryRequest(payload: unknown, now: Date): EnergyHistoryQuery {
  const p =
    typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : {};
  if (p.year !== undefined && p.years !== undefined) {
    throw invalid('msg.payload has both year and years: send one of them');
  }
  if (p.years !== undefined) {
    if (!Array.isArray(p.years) || p.years.length === 0 || !p.years.every(isYear)) {
      throw invalid(
        `msg.payload.years must be a non-empty list of whole years from ${YEAR_MIN} to ${YEAR_MAX} (got ${JSON.stringify(p.years)})`,
      );
    }
    return { years: [...new Set(p.years)] };
  }
  if (p.year !== undefined) {
    if (!isYear(p.year)) {
      throw invalid(
        `msg.payload.year must be a whole year from ${YEAR_MIN} to ${YEAR_MAX} (got ${JSON.stringify(p.year)})`,
      );
    }
    return { years: [p.year] };
  }
  return { years: [now.getFullYear()] };
}

/** Extra `request` keys: `year` is a list here (the daily query's is a number). */
export function monthlyQueryFields(query: EnergyHistoryQuery): { year: number[] } {
  return { year: [...query.years] };
}

/**
 * True when `response` answers `query` for the heater `macAddress`: the reply topic is shared by
 * every heater of the client and carries no request id (§9.0), so the device and the years tell.
 * Keys the answer lacks are not held against it; an empty `usage` list still answers.
 */
export function answersMonthlyQuery(
  response: Record<string, unknown>,
  macAddress: string,
  query: EnergyHistoryQuery,
): boolean {
  if (typeof response.macAddress === 'string' && response.macAddress !== macAddress) return false;
  if (!Array.isArray(response.usage)) return 'total' in response;
  const got = response.usage
    .map((u: unknown) =>
      typeof u === 'object' && u !== null ? (u as Record<string, unknown>).year : undefined,
    )
    .sort();
  return got.length === 0 || JSON.stringify(got) === JSON.stringify([...query.years].sort());
}
