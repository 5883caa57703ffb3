/**
 * What each raw status key becomes (NAVIEN-PROTOCOL.md §3.1–3.4): one rule per key that needs
 * more than a copy, built once, and the payload's reading order. status.ts turns these into a
 * compiled decoder per heater key list.
 */
import {
  CURRENT_HEAT_USE,
  DHW_OPERATION_SETTING,
  DR_EVENT_STATUS,
  OPERATION_MODE,
  RECIRC_OPERATION_MODE,
  TEMP_FORMULA_TYPE,
  TEMPERATURE_TYPE,
} from './enums';
import {
  energyWh,
  fromDeciC,
  fromDeciCDelta,
  fromFlow,
  fromHalfC,
  fromOutsideRaw,
  fromVolume,
  round,
  type TempUnit,
} from './units';

/** Half-°C absolute temperatures. */
export const HALF_C_FIELDS = [
  'dhwTemperature',
  'dhwTemperature2',
  'dhwTemperatureSetting',
  'dhwTargetTemperatureSetting',
  'freezeProtectionTemperature',
  'freezeProtectionTempMin',
  'freezeProtectionTempMax',
  'hpUpperOnTempSetting',
  'hpUpperOffTempSetting',
  'hpLowerOnTempSetting',
  'hpLowerOffTempSetting',
  'heUpperOnTempSetting',
  'heUpperOffTempSetting',
  'heLowerOnTempSetting',
  'heLowerOffTempSetting',
  'heatMinOpTemperature',
  'recircTempSetting',
  'recircTemperature',
  'recircFaucetTemperature',
  'currentInletTemperature',
] as const;

/** Tenth-°C absolute temperatures. */
export const DECI_C_FIELDS = [
  'tankUpperTemperature',
  'tankLowerTemperature',
  'dischargeTemperature',
  'suctionTemperature',
  'evaporatorTemperature',
  'ambientTemperature',
] as const;

/**
 * Tenth-°C differences. The superheat values are differences too, so they get no +32 in °F
 * (the Python library adds it; §8 item 15).
 */
export const DECI_C_DELTA_FIELDS = [
  'hpUpperOnDiffTempSetting',
  'hpUpperOffDiffTempSetting',
  'hpLowerOnDiffTempSetting',
  'hpLowerOffDiffTempSetting',
  'heUpperOnDiffTempSetting',
  'heUpperOffDiffTempSetting',
  'heLowerOnTDiffempSetting', // sic: the wire name
  'heLowerOnDiffTempSetting', // in case firmware ever fixes the typo
  'heLowerOffDiffTempSetting',
  'targetSuperHeat',
  'currentSuperHeat',
] as const;

/** 2 → true, anything else → false. */
export const DEVICE_BOOL_FIELDS = [
  'didReload',
  'freezeProtectionUse',
  'dhwUse',
  'dhwUseSustained',
  'dhwOperationBusy',
  'programReservationUse',
  'ecoUse',
  'eevUse',
  'evaFanUse',
  'shutOffValveUse',
  'conOvrSensorUse',
  'wtrOvrSensorUse',
  'errorBuzzerUse',
  'scaldUse',
  'recircOperationBusy',
] as const;

/** 2 → true, 1 → false, 0 → null (not reported). */
export const TRI_STATE_FIELDS = [
  'operationBusy',
  'compUse',
  'antiLegionellaUse',
  'antiLegionellaOperationBusy',
  'heatUpperUse',
  'heatLowerUse',
  'airFilterAlarmUse',
  'recircReservationUse',
] as const;

const FLOW_FIELDS = ['currentDhwFlowRate', 'recircDhwFlowRate'] as const;
const VOLUME_FIELDS = ['cumulatedDhwFlowRate'] as const;
const ENERGY_FIELDS = ['totalEnergyCapacity', 'availableEnergyCapacity'] as const;

const ENUM_FIELDS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  operationMode: OPERATION_MODE,
  dhwOperationSetting: DHW_OPERATION_SETTING,
  currentHeatUse: CURRENT_HEAT_USE,
  drEventStatus: DR_EVENT_STATUS,
  recircOperationMode: RECIRC_OPERATION_MODE,
  temperatureType: TEMPERATURE_TYPE,
  tempFormulaType: TEMP_FORMULA_TYPE,
};

/** Plain numbers that carry a unit. */
const PLAIN_UNITS: Readonly<Record<string, string>> = {
  currentInstPower: 'W',
  dhwChargePer: '%',
  mixingRate: '%',
  wifiRssi: 'dBm',
  vacationDaySetting: 'days',
  vacationDayElapsed: 'days',
  antiLegionellaPeriod: 'days',
  airFilterAlarmPeriod: 'h',
  airFilterAlarmElapsed: 'h',
  cumulatedOpTimeEvaFan: 'h',
  drOverrideStatus: 'h',
  targetFanRpm: 'rpm',
  currentFanRpm: 'rpm',
};

/**
 * The payload's reading order (issue 14): what people look at first, then every other field in
 * wire order, then protocol bookkeeping. Only the order of keys; values do not depend on it.
 */
export const EVERYDAY_FIRST = [
  'dhwTemperature',
  'dhwTemperatureSetting',
  'dhwTargetTemperatureSetting',
  'dhwChargePer',
  'dhwOperationSetting',
  'operationMode',
  'currentHeatUse',
  'compUse',
  'heatUpperUse',
  'heatLowerUse',
  'currentInstPower',
  'errorCode',
  'subErrorCode',
  'currentDhwFlowRate',
  'totalEnergyCapacity',
  'availableEnergyCapacity',
  'tankUpperTemperature',
  'tankLowerTemperature',
  'outsideTemperature',
] as const;
export const BOOKKEEPING_LAST = [
  'command',
  'temperatureType',
  'tempFormulaType',
  'didReload',
  'specialFunctionStatus',
] as const;
export const PLACED = new Set<string>([...EVERYDAY_FIRST, ...BOOKKEEPING_LAST]);

export type TempRule = (v: number, unit: TempUnit, raw: Record<string, unknown>) => number;

/** One entry per key that needs more than a copy: built once, looked up per key (no branching per field list). */
export interface FieldRule {
  /** Converts a finite number and names its unit. */
  convert?: TempRule;
  unitLabel?: (unit: TempUnit, tLabel: '°C' | '°F') => string;
  /** Derives a value from any number (booleans, tri-states, TOU flags). */
  derive?: (v: number) => unknown;
  /** Adds `<key>Name` right after the key (present key, any value). */
  names?: Readonly<Record<number, string>>;
}

export const RULES = new Map<string, FieldRule>();
function rule(keys: readonly string[], entry: FieldRule): void {
  for (const key of keys) RULES.set(key, { ...RULES.get(key), ...entry });
}
const tempLabel = (_u: TempUnit, t: '°C' | '°F'): string => t;
rule(HALF_C_FIELDS, { convert: (v, u) => fromHalfC(v, u), unitLabel: tempLabel });
rule(DECI_C_FIELDS, { convert: (v, u) => fromDeciC(v, u), unitLabel: tempLabel });
rule(DECI_C_DELTA_FIELDS, { convert: (v, u) => fromDeciCDelta(v, u), unitLabel: tempLabel });
rule(['outsideTemperature'], {
  convert: (v, u, raw) => fromOutsideRaw(v, u, raw.tempFormulaType),
  unitLabel: tempLabel,
});
rule(FLOW_FIELDS, {
  convert: (v, u) => fromFlow(v, u),
  unitLabel: (u) => (u === 'C' ? 'L/min' : 'gpm'),
});
rule(VOLUME_FIELDS, {
  convert: (v, u) => fromVolume(v, u),
  unitLabel: (u) => (u === 'C' ? 'L' : 'gal'),
});
rule(ENERGY_FIELDS, { convert: (v) => energyWh(v), unitLabel: () => 'Wh' });
rule(['dhwChargePer'], { convert: (v) => round(v, 1) });
for (const [key, label] of Object.entries(PLAIN_UNITS)) rule([key], { unitLabel: () => label });
rule(TRI_STATE_FIELDS, { derive: (v) => (v === 0 ? null : v === 2) });
// touStatus is 0/1 (plain truthiness); touOverrideStatus is 1 = override active, 2 = following TOU.
rule(['touStatus'], { derive: (v) => v !== 0 });
rule(['touOverrideStatus'], { derive: (v) => v === 1 });
for (const [key, table] of Object.entries(ENUM_FIELDS)) rule([key], { names: table });
// 2 → true for any number; an entry so the lookup below reaches them.
rule(DEVICE_BOOL_FIELDS, {});
// errorText follows errorCode (present key, any value).
rule(['errorCode'], {});
export const NAME_KEYS = new Map(Object.keys(ENUM_FIELDS).map((key) => [key, `${key}Name`]));
export const DEVICE_BOOLS = new Set<string>(DEVICE_BOOL_FIELDS);
