/**
 * Turns the energy answer (`{typeOfUsage, total, usage[]}`, NAVIEN-PROTOCOL.md §4.5) into
 * per-day rows with readable names, month totals and each source's share: ready to chart.
 * hp = heat pump, he = heating elements; usage in Wh, time in hours.
 */
import { round } from './units';

export interface EnergyTotals {
  heatPumpWh: number;
  elementWh: number;
  heatPumpHours: number;
  elementHours: number;
  totalWh: number;
  /** % of totalWh from the heat pump / the elements; null when nothing was used. */
  heatPumpShare: number | null;
  elementShare: number | null;
}

export interface EnergyDayRow {
  day: number;
  heatPumpWh: number;
  elementWh: number;
  heatPumpHours: number;
  elementHours: number;
  totalWh: number;
}

export interface EnergyMonth {
  month: number;
  days: EnergyDayRow[];
  totals: EnergyTotals;
}

export interface DecodedEnergy {
  year: number;
  months: EnergyMonth[];
  totals: EnergyTotals;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function dayRow(day: number, raw: Record<string, unknown>): EnergyDayRow {
  const heatPumpWh = num(raw.hpUsage);
  const elementWh = num(raw.heUsage);
  return {
    day,
    heatPumpWh,
    elementWh,
    heatPumpHours: num(raw.hpTime),
    elementHours: num(raw.heTime),
    totalWh: heatPumpWh + elementWh,
  };
}

function share(part: number, total: number): number | null {
  return total > 0 ? round((100 * part) / total, 1) : null;
}

/** Sums rows (days or month totals) and adds the shares. */
export function sumEnergy(rows: readonly Omit<EnergyDayRow, 'day'>[]): EnergyTotals {
  const t = { heatPumpWh: 0, elementWh: 0, heatPumpHours: 0, elementHours: 0 };
  for (const r of rows) {
    t.heatPumpWh += r.heatPumpWh;
    t.elementWh += r.elementWh;
    t.heatPumpHours += r.heatPumpHours;
    t.elementHours += r.elementHours;
  }
  const totalWh = t.heatPumpWh + t.elementWh;
  return {
    heatPumpWh: round(t.heatPumpWh, 3),
    elementWh: round(t.elementWh, 3),
    heatPumpHours: round(t.heatPumpHours, 3),
    elementHours: round(t.elementHours, 3),
    totalWh: round(totalWh, 3),
    heatPumpShare: share(t.heatPumpWh, totalWh),
    elementShare: share(t.elementWh, totalWh),
  };
}

/**
 * Decodes the answer for `year`; months come in the order asked for (`months`), each with one
 * row per day the heater reported. A month the heater left out gets no days and zero totals.
 */
export function decodeEnergy(
  response: Record<string, unknown>,
  year: number,
  months: readonly number[],
): DecodedEnergy {
  const usage = Array.isArray(response.usage) ? response.usage.filter(isObject) : [];
  const decoded = months.map((month): EnergyMonth => {
    const entry = usage.find((u) => u.month === month && (u.year === undefined || u.year === year));
    const data = entry && Array.isArray(entry.data) ? entry.data : [];
    const days = data.map((d, i) => dayRow(i + 1, isObject(d) ? d : {}));
    return { month, days, totals: sumEnergy(days) };
  });
  return { year, months: decoded, totals: sumEnergy(decoded.map((m) => m.totals)) };
}
