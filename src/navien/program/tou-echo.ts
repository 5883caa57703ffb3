/**
 * The heater's answer to a TOU write (`res/tou/rd`, NAVIEN-PROTOCOL.md §9.2.2): the flat list it
 * now holds. Read tolerantly, compared with what was sent as a set (the echo's order is not
 * guaranteed), and decoded into the same plan shape `decodeTou` gives for the REST read.
 */
import { decodeSeasonMask, DEFAULT_DECIMAL_POINT, toPeriod } from '../decode/tou';
import type { TouSeason } from '../types';
import { isPlainObject } from './fields';
import { TOU_ON, type RawTouPeriod, type RawTouProgram } from './tou-write';

const PERIOD_KEYS = [
  'season',
  'week',
  'startHour',
  'startMinute',
  'endHour',
  'endMinute',
  'priceMin',
  'priceMax',
  'decimalPoint',
] as const;

function int(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : fallback;
}

/** An echo (`response`) → the raw program; a missing `decimalPoint` is the default 5. */
export function readRawTou(response: Record<string, unknown>): RawTouProgram {
  const list = Array.isArray(response.reservation) ? response.reservation : [];
  return {
    reservationUse: int(response.reservationUse),
    reservation: list.filter(isPlainObject).map((p): RawTouPeriod => ({
      season: int(p.season),
      week: int(p.week),
      startHour: int(p.startHour),
      startMinute: int(p.startMinute),
      endHour: int(p.endHour),
      endMinute: int(p.endMinute),
      priceMin: int(p.priceMin),
      priceMax: int(p.priceMax),
      decimalPoint: int(p.decimalPoint, DEFAULT_DECIMAL_POINT),
    })),
  };
}

/** On/off (0 and 1 both mean off, §8.20) plus the sorted nine-field tuples. */
export function canonicalTou(program: RawTouProgram): string {
  const periods = program.reservation.map((p) => PERIOD_KEYS.map((k) => p[k]).join(',')).sort();
  return JSON.stringify({ on: program.reservationUse === TOU_ON, periods });
}

/** True when the echo holds exactly the plan that was sent, in any order. */
export function touEchoMatches(sent: RawTouProgram, echo: Record<string, unknown>): boolean {
  return canonicalTou(sent) === canonicalTou(readRawTou(echo));
}

/** The flat list grouped back into seasons (in first-seen order): the `decodeTou` shape. */
export function decodeTouProgram(program: RawTouProgram): {
  enabled: boolean;
  seasons: TouSeason[];
} {
  const seasons = new Map<number, TouSeason>();
  for (const period of program.reservation) {
    let season = seasons.get(period.season);
    if (!season) {
      season = { months: decodeSeasonMask(period.season), periods: [] };
      seasons.set(period.season, season);
    }
    season.periods.push(toPeriod(period));
  }
  return { enabled: program.reservationUse === TOU_ON, seasons: [...seasons.values()] };
}
