/**
 * Turns a raw status object (`response.status`, NAVIEN-PROTOCOL.md §3) into human units.
 * Key names stay the protocol's; values are converted; enum names sit beside the raw code in
 * `<key>Name`; missing keys stay missing; unknown keys pass through untouched. The rules per key
 * are in status-rules.ts; the decoder for one heater's key list is compiled once (status-plan.ts).
 */
import { enumName } from './enums';
import { errorText } from './error-codes';
import {
  compileAllFinite,
  compileBuilder,
  PlanCache,
  type Builder,
  type Slot,
} from './status-plan';
import {
  BOOKKEEPING_LAST,
  DEVICE_BOOLS,
  EVERYDAY_FIRST,
  NAME_KEYS,
  PLACED,
  RULES,
} from './status-rules';
import { energyWh, resolveTempUnit, unitLabel, type TempUnit, type UnitChoice } from './units';

export {
  DECI_C_DELTA_FIELDS,
  DECI_C_FIELDS,
  DEVICE_BOOL_FIELDS,
  HALF_C_FIELDS,
  TRI_STATE_FIELDS,
} from './status-rules';
export type { UnitChoice } from './units';

/** Every raw key the decoder has a rule or a place for (README's field table is checked against it). */
export const KNOWN_STATUS_KEYS: readonly string[] = [...new Set([...RULES.keys(), ...PLACED])];

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

type RawRecord = Record<string, unknown>;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A key whose unit is named in `units` when its value is a finite number. */
interface Labelled {
  key: string;
  /** The raw value that must be finite; undefined for usableEnergy (finite by construction). */
  from: string | undefined;
  label: string;
}

/** Everything about decoding one heater's key list in one unit, compiled on first use. */
interface Plan {
  rawKeys: readonly string[];
  tailKeys: readonly string[];
  /** [without, with] usableEnergy: it exists only when both capacities are finite numbers. */
  builders: [Builder | undefined, Builder | undefined];
  labelled: [Labelled[], Labelled[]];
  /** Whether every labelled raw value is a finite number (compiled with the builder). */
  allFinite: [((raw: RawRecord) => boolean) | undefined, ((raw: RawRecord) => boolean) | undefined];
  /** The units map when every labelled value is finite (the usual case), shared and frozen. */
  fullUnits: [
    Readonly<Record<string, string>> | undefined,
    Readonly<Record<string, string>> | undefined,
  ];
}

/** The output keys in order, and which carry a unit: the one statement of the payload's layout. */
function layout(
  raw: RawRecord,
  unit: TempUnit,
  withUsable: boolean,
): { slots: Slot[]; labelled: Labelled[] } {
  const tLabel = unitLabel(unit);
  const slots: Slot[] = [];
  const labelled: Labelled[] = [];
  const place = (key: string): void => {
    const r = RULES.get(key);
    if (r === undefined) {
      slots.push({ key, from: key });
      return;
    }
    const fn = r.convert ?? r.derive;
    slots.push({ key, from: key, fn, when: 'finite', deviceBool: DEVICE_BOOLS.has(key) });
    if (r.unitLabel) labelled.push({ key, from: key, label: r.unitLabel(unit, tLabel) });
    const names = r.names;
    if (names)
      slots.push({
        key: NAME_KEYS.get(key) as string,
        from: key,
        fn: (v: unknown) => enumName(names, v),
        when: 'any',
      });
    if (key === 'errorCode') {
      const fn = (v: unknown, _u: unknown, rw: RawRecord): unknown => errorText(v, rw.subErrorCode);
      slots.push({ key: 'errorText', from: key, fn, when: 'any' });
    }
    if (key === 'availableEnergyCapacity' && withUsable) {
      slots.push({
        key: 'usableEnergy',
        from: undefined,
        when: 'any',
        fn: (_v: unknown, _u: unknown, rw: RawRecord) =>
          Math.max(
            0,
            energyWh(rw.totalEnergyCapacity as number) -
              energyWh(rw.availableEnergyCapacity as number),
          ),
      });
      labelled.push({ key: 'usableEnergy', from: undefined, label: 'Wh' });
    }
  };
  for (const key of EVERYDAY_FIRST) if (key in raw) place(key);
  for (const key in raw) if (!PLACED.has(key)) place(key);
  for (const key of BOOKKEEPING_LAST) if (key in raw) place(key);
  return { slots, labelled };
}

/** The units map of labelled values that are finite numbers, in output order. */
function unitsOf(labelled: readonly Labelled[], raw: RawRecord): Record<string, string> {
  const map: Record<string, string> = {};
  for (const l of labelled)
    if (l.from === undefined || isFiniteNumber(raw[l.from])) map[l.key] = l.label;
  return map;
}

/**
 * The last partial units map built for each temperature unit (some value not a finite number).
 * Consecutive statuses of one heater carry the same fields, so the map is reused (frozen).
 */
const partialUnits: Record<TempUnit, Readonly<Record<string, string>>> = {
  C: Object.freeze({}),
  F: Object.freeze({}),
};

function unitsFor(
  plan: Plan,
  usable: 0 | 1,
  unit: TempUnit,
  raw: RawRecord,
): Readonly<Record<string, string>> {
  const labelled = plan.labelled[usable];
  if ((plan.allFinite[usable] as (raw: RawRecord) => boolean)(raw)) {
    let full = plan.fullUnits[usable];
    if (!full) plan.fullUnits[usable] = full = Object.freeze(unitsOf(labelled, raw));
    return full;
  }
  const map = unitsOf(labelled, raw);
  if (!sameEntries(partialUnits[unit], map)) partialUnits[unit] = Object.freeze(map);
  return partialUnits[unit];
}

function sameEntries(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i] || a[ka[i]] !== b[kb[i]]) return false;
  return true;
}

const plans: Record<TempUnit, PlanCache<Plan>> = { C: new PlanCache(), F: new PlanCache() };

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
  const plan = plans[unit].get(raw, tail, (tailKeys) => ({
    rawKeys: Object.keys(raw),
    tailKeys,
    builders: [undefined, undefined],
    labelled: [[], []],
    allFinite: [undefined, undefined],
    fullUnits: [undefined, undefined],
  }));
  const usable =
    isFiniteNumber(raw.totalEnergyCapacity) && isFiniteNumber(raw.availableEnergyCapacity) ? 1 : 0;
  let build = plan.builders[usable];
  if (!build) {
    const { slots, labelled } = layout(raw, unit, usable === 1);
    build = compileBuilder(slots, unit, unitLabel(unit), plan.tailKeys);
    plan.builders[usable] = build;
    plan.labelled[usable] = labelled;
    const checked = labelled.flatMap((l) => (l.from === undefined ? [] : [l.from]));
    plan.allFinite[usable] = compileAllFinite(checked);
  }
  return build(raw, unitsFor(plan, usable, unit, raw), tail) as DecodedStatus;
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
