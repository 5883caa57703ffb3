/**
 * The monthly energy answer (NAVIEN-PROTOCOL.md §9.3.2: one `usage` entry per year, `data` =
 * twelve items January…December by position) and the `total` block every energy answer carries,
 * in the daily form's field names so the same chart and dashboard code reads both.
 */
import { sumEnergy, type EnergyTotals } from './energy';

export interface EnergyMonthRow extends EnergyTotals {
  month: number;
}

export interface EnergyYear {
  year: number;
  /** False when the answer had no entry for this year (its months are then zero). */
  reported: boolean;
  months: EnergyMonthRow[];
  totals: EnergyTotals;
}

export interface DecodedEnergyHistory {
  years: EnergyYear[];
  /** The heater's lifetime totals, from `total`; null when the answer had none. */
  lifetime: EnergyTotals | null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** One `{hpUsage, heUsage, hpTime, heTime}` item; zero items may omit the time keys (§9.3). */
function totalsOf(item: unknown): EnergyTotals {
  const raw = isObject(item) ? item : {};
  const heatPumpWh = num(raw.hpUsage);
  const elementWh = num(raw.heUsage);
  return sumEnergy([
    {
      heatPumpWh,
      elementWh,
      heatPumpHours: num(raw.hpTime),
      elementHours: num(raw.heTime),
      totalWh: heatPumpWh + elementWh,
    },
  ]);
}

/**
 * `total`: the heater's lifetime counters (Wh and run hours per source), the same whatever
 * period was asked for and not the sum of the period (§9.3, checked live by the reference
 * library's author). Works on daily and monthly answers alike.
 */
export function decodeLifetime(response: Record<string, unknown>): EnergyTotals | null {
  return isObject(response.total) ? totalsOf(response.total) : null;
}

/**
 * Help for `lifetime`: "lifetime holds the heater's own running totals since installation (Wh and
 * hours per source), sent with every energy answer; it is not the sum of the months shown."
 * Help for months: "Months come by position, January first; a month the heater leaves out
 * counts as zero." (`typeOfUsage` is ignored: its meaning is unknown, §8.35.)
 *
 * Decodes a monthly answer for the years asked for, in that order. Whether a month can be
 * missing is unknown (§8.36): a short `data` list gives zero months, never a shifted calendar.
 */
export function decodeEnergyHistory(
  response: Record<string, unknown>,
  years: readonly number[],
): DecodedEnergyHistory {
  const usage = Array.isArray(response.usage) ? response.usage.filter(isObject) : [];
  return {
    years: years.map((year): EnergyYear => {
      const entry = usage.find((u) => u.year === year);
      const data = entry && Array.isArray(entry.data) ? entry.data : [];
      const months = Array.from({ length: 12 }, (_, i) => ({ month: i + 1, ...totalsOf(data[i]) }));
      return { year, reported: entry !== undefined, months, totals: sumEnergy(months) };
    }),
    lifetime: decodeLifetime(response),
  };
}
