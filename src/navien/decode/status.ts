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
  type TempUnit,
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
  /**
   * Unit of every converted field, e.g. { dhwTemperature: '°F', currentInstPower: 'W' }.
   * Frozen and shared between messages with the same fields (one object, not one per message).
   */
  units: Readonly<Record<string, string>>;
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

/**
 * The payload's reading order (issue 14): what people look at first, then every other field in
 * wire order, then protocol bookkeeping. Only the order of keys; values do not depend on it.
 */
const EVERYDAY_FIRST = [
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
const BOOKKEEPING_LAST = [
  'command',
  'temperatureType',
  'tempFormulaType',
  'didReload',
  'specialFunctionStatus',
] as const;
const PLACED = new Set<string>([...EVERYDAY_FIRST, ...BOOKKEEPING_LAST]);

type TempRule = (v: number, unit: TempUnit, raw: Record<string, unknown>) => number;

/** One entry per key that needs more than a copy: built once, looked up per key (no branching per field list). */
interface FieldRule {
  /** Converts a finite number and names its unit. */
  convert?: TempRule;
  unitLabel?: (unit: TempUnit, tLabel: '°C' | '°F') => string;
  /** Derives a value from any number (booleans, tri-states, TOU flags). */
  derive?: (v: number) => unknown;
  /** Adds `<key>Name` right after the key (present key, any value). */
  names?: Readonly<Record<number, string>>;
}

const RULES = new Map<string, FieldRule>();
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
/** Every raw key the decoder has a rule or a place for (README's field table is checked against it). */
export const KNOWN_STATUS_KEYS: readonly string[] = [...new Set([...RULES.keys(), ...PLACED])];
const NAME_KEYS = new Map(Object.keys(ENUM_FIELDS).map((key) => [key, `${key}Name`]));
const DEVICE_BOOLS = new Set<string>(DEVICE_BOOL_FIELDS);

/**
 * The last units map built for each temperature unit. Consecutive statuses of one heater carry
 * the same fields, so the map is reused (frozen) instead of rebuilt for every message.
 */
const unitsCache: Record<TempUnit, { keys: string[]; map: Readonly<Record<string, string>> }> = {
  C: { keys: [], map: Object.freeze({}) },
  F: { keys: [], map: Object.freeze({}) },
};

function sharedUnits(
  unit: TempUnit,
  keys: string[],
  labels: string[],
): Readonly<Record<string, string>> {
  const cached = unitsCache[unit];
  if (cached.keys.length === keys.length) {
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (cached.keys[i] !== keys[i] || cached.map[keys[i]] !== labels[i]) {
        same = false;
        break;
      }
    }
    if (same) return cached.map;
  }
  const map: Record<string, string> = {};
  for (let i = 0; i < keys.length; i++) map[keys[i]] = labels[i];
  Object.freeze(map);
  unitsCache[unit] = { keys, map };
  return map;
}

/**
 * Decodes `raw`. `tail` keys (e.g. macAddress, deviceName, receivedAt) are added last, so a
 * caller that needs them gets one object instead of a decode plus a copy.
 */
export function decodeStatus(
  raw: Record<string, unknown>,
  opts: DecodeStatusOptions = { units: 'auto' },
  tail?: Readonly<Record<string, unknown>>,
): DecodedStatus {
  const unit = resolveTempUnit(opts.units, raw.temperatureType);
  const tLabel = unitLabel(unit);
  const out = {} as DecodedStatus;
  const unitKeys: string[] = [];
  const unitLabels: string[] = [];
  let usableAfter: string | undefined;

  const put = (key: string): void => {
    const v = raw[key];
    const r = RULES.get(key);
    if (r === undefined) {
      out[key] = v;
      return;
    }
    const finite = typeof v === 'number' && Number.isFinite(v);
    if (r.convert && finite) out[key] = r.convert(v, unit, raw);
    else if (r.derive && finite) out[key] = r.derive(v);
    else out[key] = DEVICE_BOOLS.has(key) && typeof v === 'number' ? v === 2 : v;
    if (r.unitLabel && finite) {
      unitKeys.push(key);
      unitLabels.push(r.unitLabel(unit, tLabel));
    }
    if (r.names) out[NAME_KEYS.get(key) as string] = enumName(r.names, v);
    if (key === 'errorCode') out.errorText = errorText(v, raw.subErrorCode);
    if (key === usableAfter) {
      const total = raw.totalEnergyCapacity as number;
      const available = raw.availableEnergyCapacity as number;
      out.usableEnergy = Math.max(0, energyWh(total) - energyWh(available));
      unitKeys.push('usableEnergy');
      unitLabels.push('Wh');
    }
  };

  const total = raw.totalEnergyCapacity;
  const available = raw.availableEnergyCapacity;
  if (
    typeof total === 'number' &&
    Number.isFinite(total) &&
    typeof available === 'number' &&
    Number.isFinite(available)
  ) {
    usableAfter = 'availableEnergyCapacity';
  }

  for (const key of EVERYDAY_FIRST) if (key in raw) put(key);
  for (const key in raw) if (!PLACED.has(key)) put(key);
  for (const key of BOOKKEEPING_LAST) if (key in raw) put(key);
  out.temperatureUnit = tLabel;
  out.units = sharedUnits(unit, unitKeys, unitLabels);
  if (tail) for (const key in tail) out[key] = tail[key];
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
