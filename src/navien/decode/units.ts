/** Unit conversions for Navien raw values (NAVIEN-PROTOCOL.md §3.1). */

export type UnitChoice = 'auto' | 'F' | 'C';
export type TempUnit = 'C' | 'F';

/** Litres → US gallons. */
export const GALLONS_PER_LITRE = 0.264172;

export const TEMPERATURE_TYPE_CELSIUS = 1;

/** Rounds to `decimals` places, returning -0 as 0. */
export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(value * f) / f;
  return r === 0 ? 0 : r;
}

/** 'auto' follows the device's temperatureType (1 °C, 2 °F); °F when absent or unknown. */
export function resolveTempUnit(choice: UnitChoice, temperatureType: unknown): TempUnit {
  if (choice === 'C' || choice === 'F') return choice;
  return temperatureType === TEMPERATURE_TYPE_CELSIUS ? 'C' : 'F';
}

export function unitLabel(unit: TempUnit): '°C' | '°F' {
  return unit === 'C' ? '°C' : '°F';
}

function cToF(c: number): number {
  return (c * 9) / 5 + 32;
}

/** Half-degree Celsius absolute temperature (set-points, most sensors). */
export function fromHalfC(raw: number, unit: TempUnit): number {
  const c = raw / 2;
  return unit === 'C' ? round(c, 1) : round(cToF(c), 1);
}

/** Tenth-degree Celsius absolute temperature (tank and refrigerant sensors). */
export function fromDeciC(raw: number, unit: TempUnit): number {
  const c = raw / 10;
  return unit === 'C' ? round(c, 1) : round(cToF(c), 1);
}

/** Tenth-degree Celsius temperature difference: no +32 offset in °F. */
export function fromDeciCDelta(raw: number, unit: TempUnit): number {
  const c = raw / 10;
  return unit === 'C' ? round(c, 1) : round((c * 9) / 5, 1);
}

/**
 * outsideTemperature: half-°C scale, but °F is rounded to a whole degree the way the device
 * displays it. tempFormulaType 1 (standard): nearest integer. 0 (asymmetric): floor when the
 * truncated remainder of raw by 10 is 9, otherwise ceil (so negative raws always ceil).
 */
export function fromOutsideRaw(raw: number, unit: TempUnit, tempFormulaType: unknown): number {
  const c = raw / 2;
  if (unit === 'C') return round(c, 1);
  // Trim float noise first so an exact 50.0 does not ceil to 51.
  const f = round(cToF(c), 6);
  if (tempFormulaType === 0) {
    const r = Math.round(raw % 10 === 9 ? Math.floor(f) : Math.ceil(f));
    return r === 0 ? 0 : r;
  }
  return round(f, 0);
}

/** Flow in tenths of a litre per minute → L/min (°C choice) or US gpm (°F choice). */
export function fromFlow(raw: number, unit: TempUnit): number {
  const lpm = raw / 10;
  return unit === 'C' ? round(lpm, 1) : round(lpm * GALLONS_PER_LITRE, 2);
}

/** Volume in litres → L or US gallons. */
export function fromVolume(raw: number, unit: TempUnit): number {
  return unit === 'C' ? raw : round(raw * GALLONS_PER_LITRE, 2);
}

/** Energy counts are units of 4 Wh (library ≥ 9.3.0). */
export function energyWh(raw: number): number {
  return raw * 4;
}

/** Half-°C parameter for a temperature in the given unit (for control commands). */
export function toHalfC(value: number, unit: TempUnit): number {
  const c = unit === 'C' ? value : ((value - 32) * 5) / 9;
  return Math.round(c * 2);
}
