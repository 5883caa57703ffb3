/**
 * The TOU plan write (33554439 on `ctrl/tou/rd`, NAVIEN-PROTOCOL.md §9.2.1). It takes the very
 * shape `decodeTou` outputs (seasons with months, periods with days, `start`/`end` "HH:MM",
 * `priceMin`/`priceMax` decimals), so read → change → write is a round trip, and turns it into the
 * flat list of periods the heater stores: month and day masks, prices as integers with a
 * `decimalPoint`.
 */
import { NavienError } from '../errors';
import { DEFAULT_DECIMAL_POINT } from '../decode/tou';
import { invalidField, isPlainObject, parseClock, parseDays, parseMonths } from './fields';
import { parseProgramSwitch } from './schedule-input';

/**
 * Documented by both peers, enforced by neither, never tested (§8.33).
 * Help: "A plan holds at most 16 periods in all seasons together (Navien's documented limit)."
 */
export const MAX_TOU_PERIODS = 16;
/** The reference library's encoder accepts 0–10 (§4.3). */
export const MAX_DECIMAL_POINT = 10;

/*
 * How the write's on/off relates to the heater's `touStatus` is not documented (§8.34).
 * Help: "`enabled` is stored with the plan; to switch TOU on or off use the tou key of
 * navien-control, which the heater reports as touStatus."
 */
export const TOU_ON = 2;
export const TOU_OFF = 1;

/** One period on the wire: its season's month mask copied in, end inclusive. */
export interface RawTouPeriod {
  season: number;
  week: number;
  startHour: number;
  startMinute: number;
  endHour: number;
  endMinute: number;
  priceMin: number;
  priceMax: number;
  decimalPoint: number;
}

export interface RawTouProgram {
  /** 2 = on, 1 = off (reads may say 0 for off, §8.20). */
  reservationUse: number;
  reservation: RawTouPeriod[];
}

/** Fewest decimals (0–10) that write `price` exactly; more than 10 are rounded away. */
function decimalsNeeded(price: number): number {
  for (let d = 0; d < MAX_DECIMAL_POINT; d++) {
    if (Number(price.toFixed(d)) === price) return d;
  }
  return MAX_DECIMAL_POINT;
}

/**
 * Both prices of a period share one `decimalPoint`: the protocol's usual 5, or more when a
 * price needs it, so a plan read from the cloud is written back with its own integers.
 */
export function encodePrices(
  priceMin: number,
  priceMax: number,
): { priceMin: number; priceMax: number; decimalPoint: number } {
  const decimalPoint = Math.max(
    DEFAULT_DECIMAL_POINT,
    decimalsNeeded(priceMin),
    decimalsNeeded(priceMax),
  );
  const scale = 10 ** decimalPoint;
  // Prices are ≥ 0, so Math.round is the protocol's half-up rounding.
  return {
    priceMin: Math.round(priceMin * scale),
    priceMax: Math.round(priceMax * scale),
    decimalPoint,
  };
}

function parsePrice(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidField(path, `must be a price ≥ 0 per kWh, got ${JSON.stringify(value)}`);
  }
  if (!Number.isSafeInteger(Math.round(value * 10 ** DEFAULT_DECIMAL_POINT))) {
    throw invalidField(path, `${value} is too large a price`);
  }
  return value;
}

function parsePeriod(value: unknown, path: string, season: number): RawTouPeriod {
  if (!isPlainObject(value)) {
    throw invalidField(
      path,
      `must be an object {days, start, end, priceMin, priceMax}, got ${JSON.stringify(value)}`,
    );
  }
  const week = parseDays(value.days, `${path}.days`);
  const start = parseClock(value.start, `${path}.start`);
  const end = parseClock(value.end, `${path}.end`);
  const prices = encodePrices(
    parsePrice(value.priceMin, `${path}.priceMin`),
    parsePrice(value.priceMax, `${path}.priceMax`),
  );
  return {
    season,
    week,
    startHour: start.hour,
    startMinute: start.minute,
    endHour: end.hour,
    endMinute: end.minute,
    ...prices,
  };
}

/**
 * `{enabled?, seasons: [{months, periods: [...]}]}` → the wire program (on unless enabled is
 * false). At least one period and at most 16 in all; nothing else is sent on bad input.
 */
export function parseTouWrite(payload: Record<string, unknown>): RawTouProgram {
  const seasons = payload.seasons;
  if (!Array.isArray(seasons) || seasons.length === 0) {
    throw invalidField(
      'seasons',
      `must be a non-empty list of seasons, got ${JSON.stringify(seasons)}`,
    );
  }
  const reservation: RawTouPeriod[] = [];
  seasons.forEach((season: unknown, i) => {
    const path = `seasons[${i}]`;
    if (!isPlainObject(season)) {
      throw invalidField(
        path,
        `must be an object {months, periods}, got ${JSON.stringify(season)}`,
      );
    }
    const mask = parseMonths(season.months, `${path}.months`);
    if (!Array.isArray(season.periods) || season.periods.length === 0) {
      throw invalidField(`${path}.periods`, 'must be a non-empty list of periods');
    }
    season.periods.forEach((period: unknown, j) => {
      reservation.push(parsePeriod(period, `${path}.periods[${j}]`, mask));
    });
  });
  if (reservation.length > MAX_TOU_PERIODS) {
    throw invalidField(
      'seasons',
      `hold ${reservation.length} periods in all; the heater takes at most ${MAX_TOU_PERIODS}`,
    );
  }
  const on = parseProgramSwitch(payload.enabled, true);
  return { reservationUse: on ? TOU_ON : TOU_OFF, reservation };
}

/**
 * The extra `request` keys of the write. The serial comes from the feature record; without it
 * the write must not be sent (§9.2: never publish 33554439 without a full plan and serial).
 */
export function touWriteFields(
  program: RawTouProgram,
  controllerSerialNumber: unknown,
): { controllerSerialNumber: string; reservationUse: number; reservation: RawTouPeriod[] } {
  if (typeof controllerSerialNumber !== 'string' || controllerSerialNumber === '') {
    throw new NavienError(
      'NAVIEN_UNSUPPORTED',
      'The heater has not reported its controller serial number (feature record), which the TOU write needs; nothing was sent',
    );
  }
  if (program.reservation.length === 0) {
    throw invalidField('seasons', 'must hold at least one period');
  }
  return {
    controllerSerialNumber,
    reservationUse: program.reservationUse,
    reservation: program.reservation.map((p) => ({ ...p })),
  };
}
