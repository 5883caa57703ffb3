/**
 * Turns a raw feature ("DID") record (`response.feature`, NAVIEN-PROTOCOL.md §4.1) into names,
 * limits in the chosen unit and capability booleans. Unknown keys pass through untouched.
 */
import {
  DHW_TEMPERATURE_SETTING_USE,
  enumName,
  MODEL_TYPE_CODE,
  TEMP_FORMULA_TYPE,
  TEMPERATURE_TYPE,
  VOLUME_CODE,
} from './enums';
import { fromHalfC, GALLONS_PER_LITRE, resolveTempUnit, unitLabel, type UnitChoice } from './units';

/** Capability flags: 2 = supported; 1 = not; 0 = not fitted (→ false). */
export const CAPABILITY_FIELDS = [
  'powerUse',
  'holidayUse',
  'programReservationUse',
  'dhwUse',
  'smartDiagnosticUse',
  'wifiRssiUse',
  'energyUsageUse',
  'freezeProtectionUse',
  'mixingValveUse',
  'drSettingUse',
  'antiLegionellaSettingUse',
  'hpwhUse',
  'dhwRefillUse',
  'ecoUse',
  'electricUse',
  'heatpumpUse',
  'energySaverUse',
  'highDemandUse',
  'recirculationUse',
  'recircReservationUse',
  'title24Use',
] as const;

const LIMIT_FIELDS = [
  'dhwTemperatureMin',
  'dhwTemperatureMax',
  'freezeProtectionTempMin',
  'freezeProtectionTempMax',
  'recircTemperatureMin',
  'recircTemperatureMax',
] as const;

/** Which capability flag allows which `dhw-mode` value (§4.1). */
const MODE_FLAGS: readonly (readonly [string, string])[] = [
  ['heatpumpUse', 'heat-pump'],
  ['electricUse', 'electric'],
  ['energySaverUse', 'energy-saver'],
  ['highDemandUse', 'high-demand'],
  ['holidayUse', 'vacation'],
];

export interface FirmwareVersion {
  version: number | null;
  code: number | null;
}

export interface DecodedFeature {
  [key: string]: unknown;
  units: Record<string, string>;
  temperatureUnit: '°C' | '°F';
  volumeName?: string | null;
  /** Nominal tank volume in gal (°F choice) or L (°C choice). */
  tankVolume?: number;
  modelTypeName?: string | null;
  controllerSerialNumber?: string;
  dhwTemperatureMin?: number;
  dhwTemperatureMax?: number;
  /** Set-point changes allowed (dhwTemperatureSettingUse not 0/1). */
  temperatureControl?: boolean;
  /** dhw-mode names the device accepts, from its capability flags. */
  supportedModes: string[];
  firmware: {
    controller: FirmwareVersion;
    panel: FirmwareVersion;
    wifi: FirmwareVersion;
    recirc: FirmwareVersion;
  };
}

export interface DecodeFeatureOptions {
  units: UnitChoice;
}

function numOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function decodeFeature(
  raw: Record<string, unknown>,
  opts: DecodeFeatureOptions = { units: 'auto' },
): DecodedFeature {
  const unit = resolveTempUnit(opts.units, raw.temperatureType);
  const tLabel = unitLabel(unit);
  const input: Record<string, unknown> = { ...raw };
  // Older docs spell it mixingValueUse; accept both.
  if (!('mixingValveUse' in input) && 'mixingValueUse' in input) {
    input.mixingValveUse = input.mixingValueUse;
  }
  const out: DecodedFeature = {
    ...input,
    units: {},
    temperatureUnit: tLabel,
    supportedModes: [],
    firmware: {
      controller: {
        version: numOrNull(raw.controllerSwVersion),
        code: numOrNull(raw.controllerSwCode),
      },
      panel: { version: numOrNull(raw.panelSwVersion), code: numOrNull(raw.panelSwCode) },
      wifi: { version: numOrNull(raw.wifiSwVersion), code: numOrNull(raw.wifiSwCode) },
      recirc: { version: numOrNull(raw.recircSwVersion), code: null },
    },
  };

  for (const key of LIMIT_FIELDS) {
    const v = numOrNull(raw[key]);
    if (v === null) continue;
    out[key] = fromHalfC(v, unit);
    out.units[key] = tLabel;
  }
  for (const key of CAPABILITY_FIELDS) {
    if (key in input && typeof input[key] === 'number') out[key] = input[key] === 2;
  }
  if ('mixingValueUse' in raw && typeof raw.mixingValueUse === 'number') {
    out.mixingValueUse = raw.mixingValueUse === 2;
  }
  out.supportedModes = MODE_FLAGS.filter(([flag]) => input[flag] === 2).map(([, mode]) => mode);

  if ('volumeCode' in raw) {
    const volume = typeof raw.volumeCode === 'number' ? VOLUME_CODE[raw.volumeCode] : undefined;
    out.volumeName = volume?.name ?? null;
    if (volume) {
      out.tankVolume =
        unit === 'C' ? Math.round(volume.gallons / GALLONS_PER_LITRE) : volume.gallons;
      out.units.tankVolume = unit === 'C' ? 'L' : 'gal';
    }
  }
  if ('modelTypeCode' in raw) out.modelTypeName = enumName(MODEL_TYPE_CODE, raw.modelTypeCode);
  if ('temperatureType' in raw)
    out.temperatureTypeName = enumName(TEMPERATURE_TYPE, raw.temperatureType);
  if ('tempFormulaType' in raw)
    out.tempFormulaTypeName = enumName(TEMP_FORMULA_TYPE, raw.tempFormulaType);
  if ('dhwTemperatureSettingUse' in raw) {
    const use = raw.dhwTemperatureSettingUse;
    out.dhwTemperatureSettingUseName = enumName(DHW_TEMPERATURE_SETTING_USE, use);
    out.temperatureControl = typeof use === 'number' && use !== 0 && use !== 1;
  }
  if (typeof raw.controllerSerialNumber === 'number') {
    out.controllerSerialNumber = String(raw.controllerSerialNumber);
  }
  return out;
}
