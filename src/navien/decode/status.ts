/**
 * Turns a raw status object (`response.status`, NAVIEN-PROTOCOL.md §3) into human units.
 * Key names stay the protocol's; values are converted; enum names sit beside the raw code in
 * `<key>Name`; missing keys stay missing; unknown keys pass through untouched.
 */
import {
  CURRENT_HEAT_USE,
  DHW_OPERATION_SETTING,
  DR_EVENT_STATUS,
  enumName,
  OPERATION_MODE,
  RECIRC_OPERATION_MODE,
  TEMP_FORMULA_TYPE,
  TEMPERATURE_TYPE,
} from './enums';
import { errorText } from './error-codes';
import {
  energyWh,
  fromDeciC,
  fromDeciCDelta,
  fromFlow,
  fromHalfC,
  fromOutsideRaw,
  fromVolume,
  resolveTempUnit,
  round,
  unitLabel,
  type UnitChoice,
} from './units';

export type { UnitChoice } from './units';

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

export interface DecodedStatus {
  [key: string]: unknown;
  /** Unit of every converted field, e.g. { dhwTemperature: '°F', currentInstPower: 'W' }. */
  units: Record<string, string>;
  /** The temperature unit used for this output. */
  temperatureUnit: '°C' | '°F';
  dhwTemperature?: number;
  dhwTemperatureSetting?: number;
  tankUpperTemperature?: number;
  tankLowerTemperature?: number;
  outsideTemperature?: number;
  operationMode?: number;
  operationModeName?: string | null;
  dhwOperationSetting?: number;
  dhwOperationSettingName?: string | null;
  currentHeatUse?: number;
  currentHeatUseName?: string | null;
  temperatureType?: number;
  temperatureTypeName?: string | null;
  errorCode?: number;
  errorText?: string | null;
  currentInstPower?: number;
  totalEnergyCapacity?: number;
  availableEnergyCapacity?: number;
  /** max(0, total − available) in Wh: heat above the 40.5 °C reference actually in the tank. */
  usableEnergy?: number;
  dhwChargePer?: number;
  operationBusy?: boolean | null;
  compUse?: boolean | null;
  touStatus?: boolean;
  touOverrideStatus?: boolean;
}

export interface DecodeStatusOptions {
  units: UnitChoice;
}

function has(raw: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(raw, key);
}

function num(raw: Record<string, unknown>, key: string): number | undefined {
  const v = raw[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function decodeStatus(
  raw: Record<string, unknown>,
  opts: DecodeStatusOptions = { units: 'auto' },
): DecodedStatus {
  const unit = resolveTempUnit(opts.units, raw.temperatureType);
  const tLabel = unitLabel(unit);
  // Start from a copy so unknown fields (and values we cannot convert) pass through untouched.
  // Object.assign then plain assignments: an object spread of ~100 keys plus later additions
  // is several times slower in V8 (bench/README.md).
  const out = Object.assign({}, raw) as DecodedStatus;
  out.units = {};
  out.temperatureUnit = tLabel;
  const units = out.units;

  const convert = (keys: readonly string[], fn: (v: number) => number, label: string): void => {
    for (const key of keys) {
      const v = num(raw, key);
      if (v === undefined) continue;
      out[key] = fn(v);
      units[key] = label;
    }
  };

  convert(HALF_C_FIELDS, (v) => fromHalfC(v, unit), tLabel);
  convert(DECI_C_FIELDS, (v) => fromDeciC(v, unit), tLabel);
  convert(DECI_C_DELTA_FIELDS, (v) => fromDeciCDelta(v, unit), tLabel);
  convert(['outsideTemperature'], (v) => fromOutsideRaw(v, unit, raw.tempFormulaType), tLabel);
  convert(FLOW_FIELDS, (v) => fromFlow(v, unit), unit === 'C' ? 'L/min' : 'gpm');
  convert(VOLUME_FIELDS, (v) => fromVolume(v, unit), unit === 'C' ? 'L' : 'gal');
  convert(ENERGY_FIELDS, energyWh, 'Wh');
  for (const [key, label] of Object.entries(PLAIN_UNITS)) {
    if (num(raw, key) !== undefined) units[key] = label;
  }

  const total = num(raw, 'totalEnergyCapacity');
  const available = num(raw, 'availableEnergyCapacity');
  if (total !== undefined && available !== undefined) {
    out.usableEnergy = Math.max(0, energyWh(total) - energyWh(available));
    units.usableEnergy = 'Wh';
  }

  for (const key of DEVICE_BOOL_FIELDS) {
    if (has(raw, key) && typeof raw[key] === 'number') out[key] = raw[key] === 2;
  }
  for (const key of TRI_STATE_FIELDS) {
    const v = num(raw, key);
    if (v !== undefined) out[key] = v === 0 ? null : v === 2;
  }
  // touStatus is 0/1 (plain truthiness); touOverrideStatus is 1 = override active, 2 = following TOU.
  const tou = num(raw, 'touStatus');
  if (tou !== undefined) out.touStatus = tou !== 0;
  const override = num(raw, 'touOverrideStatus');
  if (override !== undefined) out.touOverrideStatus = override === 1;

  for (const [key, table] of Object.entries(ENUM_FIELDS)) {
    if (has(raw, key)) out[`${key}Name`] = enumName(table, raw[key]);
  }
  if (has(raw, 'errorCode')) out.errorText = errorText(raw.errorCode, raw.subErrorCode);
  if (typeof out.dhwChargePer === 'number') out.dhwChargePer = round(out.dhwChargePer, 1);
  return out;
}

const MODE_LABEL: Readonly<Record<string, string>> = {
  'heat-pump': 'heat pump',
  electric: 'electric',
  'energy-saver': 'hybrid', // "energy saver" would push the badge to 20 characters
  'high-demand': 'high demand',
  vacation: 'vacation',
  'power-off': 'off',
};

/** A short badge text (under 20 characters), e.g. "122°F · heat pump" or "122°F · E799". */
export function summarizeStatus(decoded: DecodedStatus): string {
  const unit = decoded.temperatureUnit === '°C' ? '°C' : '°F';
  const temp = [
    decoded.dhwTemperature,
    decoded.tankUpperTemperature,
    decoded.dhwTemperatureSetting,
  ].find((v): v is number => typeof v === 'number');
  const parts: string[] = [];
  if (temp !== undefined) parts.push(`${Math.round(temp)}${unit}`);
  if (typeof decoded.errorCode === 'number' && decoded.errorCode !== 0) {
    parts.push(`E${decoded.errorCode}`);
  } else {
    const name = decoded.dhwOperationSettingName;
    const label = typeof name === 'string' ? MODE_LABEL[name] : undefined;
    if (label) parts.push(label);
    else if (typeof decoded.dhwOperationSetting === 'number') {
      parts.push(`mode ${decoded.dhwOperationSetting}`);
    }
  }
  const text = parts.join(' · ') || 'no data';
  return text.length < 20 ? text : `${text.slice(0, 18)}…`;
}
