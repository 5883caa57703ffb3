/**
 * The control table: one entry per navien-control payload key. Each entry holds everything
 * about its key: how the payload value is checked, which feature flags and limits it needs,
 * how it is encoded on the wire (§2.7 mode and param; the code comes from CONTROL_MODES), which
 * status field confirms it, and which parameters a heater accepts for it (the simulator obeys
 * these). The validator, the encoder, the confirmer and the simulator all read this table;
 * adding a key is one entry here and its test.
 */
import { NavienError } from '../errors';
import { unitLabel } from '../decode/units';
import type { ControlMode } from '../protocol/commands';
import {
  DAYS_MAX,
  DAYS_MIN,
  DhwMode,
  SELECTABLE_MODES,
  SELECTABLE_RECIRC_MODES,
} from '../protocol/modes';
import {
  expectBoolean,
  expectDays,
  expectName,
  expectTemperature,
  expectTrue,
  flagOn,
  halfCLimit,
  intIn,
  invalid,
  isDays,
  num,
  show,
  temperatureParam,
  trim,
  type Feature,
} from './checks';

import { key, type ControlKeySpec, type ControlTableEntry, type WireCommand } from './spec';

export type { ControlTableEntry, ControlValue, ControlKeySpec, WireForm } from './spec';

const accept = (): undefined => undefined;
/** The heater's answer to the command is the confirmation: no status field reflects it. */
const byAnswer = (): boolean => true;
const ANSWER = 'the heater’s answer (no status field reflects it)';

function onOff(on: ControlMode, off: ControlMode, text: string) {
  return (value: boolean): WireCommand =>
    value
      ? { mode: on, param: [], label: `${text} on` }
      : { mode: off, param: [], label: `${text} off` };
}

const recirculationFitted = (feature: Feature): string | undefined =>
  flagOn(feature, 'recirculationUse') ? undefined : 'no recirculation module fitted';

/** `recirc-mode` parameters by name (§3.3). */
export const RECIRCULATION_MODES = SELECTABLE_RECIRC_MODES;

/** Filter alarm interval: 0 (off) or 1 000–10 000 h in 500 h steps, sent as hours / 500 (§9.6). */
const FILTER_STEP_H = 500;
const FILTER_MIN_H = 1000;
const FILTER_MAX_H = 10_000;

const DAYS = `${DAYS_MIN}–${DAYS_MAX} days`;

export const CONTROL_TABLE = {
  power: key<boolean>({
    parse: (v, k) => expectBoolean(k, v),
    needsFeature: true,
    capabilities: () => [{ flag: 'powerUse', what: 'power on/off' }],
    encode: onOff('power-on', 'power-off', 'power'),
    confirmedBy: 'dhwOperationSetting (6 = powered off, anything else = on)',
    confirms: (mode, _param, status) => {
      const setting = num(status, 'dhwOperationSetting');
      return mode === 'power-off'
        ? setting === DhwMode.POWER_OFF
        : setting !== undefined && setting !== DhwMode.POWER_OFF;
    },
    wire: [
      { mode: 'power-on', refuse: accept },
      { mode: 'power-off', refuse: accept },
    ],
  }),

  temperature: key<number>({
    parse: (v, k) => expectTemperature(k, v),
    needsFeature: true,
    capabilities: () => [
      {
        flag: 'dhwTemperatureSettingUse',
        what: 'set-point changes',
        accepts: (v) => typeof v === 'number' && v !== 0 && v !== 1,
      },
    ],
    encode: (value, { feature, unit }, k) => {
      const limits = {
        min: halfCLimit(feature, 'dhwTemperatureMin', 'set-point'),
        max: halfCLimit(feature, 'dhwTemperatureMax', 'set-point'),
      };
      const param = temperatureParam(k, value, unit, limits, 'set-points');
      return { mode: 'dhw-temperature', param: [param], label: `${trim(value)}${unitLabel(unit)}` };
    },
    confirmedBy: 'dhwTemperatureSetting',
    confirms: (_mode, param, status) => num(status, 'dhwTemperatureSetting') === param[0],
    wire: [
      {
        mode: 'dhw-temperature',
        refuse: ([p0], feature) => {
          const min = Number(feature.dhwTemperatureMin);
          const max = Number(feature.dhwTemperatureMax);
          return intIn(p0, min, max) ? undefined : `temperature must be ${min}–${max} half-°C`;
        },
      },
    ],
  }),

  mode: key<string>({
    parse: (v, k) => expectName(k, v, Object.keys(SELECTABLE_MODES)),
    needsFeature: true,
    capabilities: (value) => [
      { flag: 'dhwUse', what: 'hot-water modes' },
      { flag: SELECTABLE_MODES[value]?.flag ?? 'dhwUse', what: `the ${value} mode` },
    ],
    encode: (value) => {
      const mode = SELECTABLE_MODES[value];
      if (!mode) throw invalid(`msg.payload.mode ${show(value)} is not a mode`);
      return { mode: 'dhw-mode', param: [mode.value], label: `mode ${value}` };
    },
    confirmedBy: 'dhwOperationSetting',
    confirms: (_mode, param, status) => num(status, 'dhwOperationSetting') === param[0],
    wire: [
      {
        mode: 'dhw-mode',
        refuse: ([p0]) =>
          intIn(p0, DhwMode.HEAT_PUMP, DhwMode.HIGH_DEMAND) ? undefined : 'a mode must be 1–4',
      },
    ],
  }),

  vacation: key<number>({
    parse: (v, k) => expectDays(k, v, 'the vacation length'),
    needsFeature: true,
    capabilities: () => [
      { flag: 'dhwUse', what: 'hot-water modes' },
      { flag: 'holidayUse', what: 'vacation mode' },
    ],
    encode: (days) => ({
      mode: 'dhw-mode',
      param: [DhwMode.VACATION, days],
      label: `vacation ${days} d`,
    }),
    confirmedBy: 'dhwOperationSetting (5 = vacation) and vacationDaySetting',
    confirms: (_mode, param, status) => {
      // Older firmware may not report the day count; the mode alone then has to do.
      const days = num(status, 'vacationDaySetting');
      return (
        num(status, 'dhwOperationSetting') === DhwMode.VACATION &&
        (days === undefined || days === param[1])
      );
    },
    wire: [
      {
        mode: 'dhw-mode',
        refuse: ([p0, days]) =>
          p0 === DhwMode.VACATION && isDays(days) ? undefined : `vacation needs ${DAYS}`,
      },
    ],
  }),

  vacationDays: key<number>({
    parse: (v, k) => expectDays(k, v, 'the vacation length'),
    needsFeature: true,
    capabilities: () => [{ flag: 'holidayUse', what: 'vacation settings' }],
    encode: (days) => ({ mode: 'goout-day', param: [days], label: `vacation length ${days} d` }),
    confirmedBy: 'vacationDaySetting',
    confirms: (_mode, param, status) => num(status, 'vacationDaySetting') === param[0],
    wire: [
      {
        mode: 'goout-day',
        refuse: ([days]) => (isDays(days) ? undefined : `goout-day needs ${DAYS}`),
      },
    ],
  }),

  antiLegionella: key<number | false>({
    parse: (v, k) => (v === false ? v : expectDays(k, v, 'false or the period')),
    needsFeature: true,
    capabilities: () => [{ flag: 'antiLegionellaSettingUse', what: 'anti-legionella settings' }],
    encode: (value) =>
      value === false
        ? { mode: 'anti-leg-off', param: [], label: 'anti-legionella off' }
        : { mode: 'anti-leg-on', param: [value], label: `anti-legionella ${value} d` },
    confirmedBy: 'antiLegionellaUse and antiLegionellaPeriod',
    confirms: (mode, param, status) => {
      const use = num(status, 'antiLegionellaUse');
      if (mode === 'anti-leg-off') return use === 1;
      const period = num(status, 'antiLegionellaPeriod');
      return use === 2 && (period === undefined || period === param[0]);
    },
    wire: [
      {
        mode: 'anti-leg-on',
        refuse: ([p0]) =>
          p0 === undefined || isDays(p0) ? undefined : `anti-legionella period must be ${DAYS}`,
      },
      { mode: 'anti-leg-off', refuse: accept },
    ],
  }),

  tou: key<boolean>({
    parse: (v, k) => expectBoolean(k, v),
    needsFeature: true,
    capabilities: () => [{ flag: 'programReservationUse', what: 'time-of-use scheduling' }],
    encode: onOff('tou-on', 'tou-off', 'TOU'),
    confirmedBy: 'touStatus (programReservationUse on firmware without it)',
    confirms: (mode, _param, status) => {
      // touStatus is 0/1 (§3.2); fall back to programReservationUse (device bool) without it.
      const on = mode === 'tou-on';
      const tou = num(status, 'touStatus');
      if (tou !== undefined) return (tou !== 0) === on;
      const program = num(status, 'programReservationUse');
      return program !== undefined && (program === 2) === on;
    },
    wire: [
      { mode: 'tou-on', refuse: accept },
      { mode: 'tou-off', refuse: accept },
    ],
  }),

  demandResponse: key<boolean>({
    parse: (v, k) => expectBoolean(k, v),
    needsFeature: true,
    capabilities: () => [{ flag: 'drSettingUse', what: 'demand response' }],
    encode: onOff('dr-on', 'dr-off', 'DR'),
    confirmedBy: ANSWER,
    confirms: byAnswer,
    wire: [
      { mode: 'dr-on', refuse: accept },
      { mode: 'dr-off', refuse: accept },
    ],
  }),

  freezeProtection: {
    refused:
      'msg.payload.freezeProtection is not supported: the vendor app never sends a freeze-protection command, so its effect on a heater is unknown. Freeze protection is read-only: navien-status reports freezeProtectionTemperature. Nothing was sent',
  },

  recirculation: key<string>({
    parse: (v, k) => expectName(k, v, Object.keys(RECIRCULATION_MODES)),
    needsFeature: true,
    capabilities: () => [{ flag: 'recirculationUse', what: 'recirculation' }],
    encode: (value) => {
      const param = RECIRCULATION_MODES[value];
      if (param === undefined)
        throw invalid(`msg.payload.recirculation ${show(value)} is not a mode`);
      return { mode: 'recirc-mode', param: [param], label: `recirc ${value}` };
    },
    confirmedBy: 'recircOperationMode',
    confirms: (_mode, param, status) => num(status, 'recircOperationMode') === param[0],
    wire: [
      {
        mode: 'recirc-mode',
        refuse: ([p0], feature) =>
          recirculationFitted(feature) ?? (intIn(p0, 1, 4) ? undefined : 'recirc-mode needs 1–4'),
      },
    ],
  }),

  hotButton: key<true>({
    parse: (v, k) => expectTrue(k, v),
    needsFeature: true,
    capabilities: () => [{ flag: 'recirculationUse', what: 'the recirculation hot button' }],
    encode: () => ({ mode: 'recirc-hotbtn', param: [1], label: 'hot button' }),
    confirmedBy: ANSWER,
    confirms: byAnswer,
    wire: [{ mode: 'recirc-hotbtn', refuse: (_param, feature) => recirculationFitted(feature) }],
  }),

  airFilterReset: key<true>({
    parse: (v, k) => expectTrue(k, v),
    needsFeature: false,
    capabilities: () => [],
    encode: () => ({ mode: 'air-filter-reset', param: [], label: 'filter reset' }),
    confirmedBy: 'airFilterAlarmElapsed (back to 0)',
    confirms: (_mode, _param, status) => num(status, 'airFilterAlarmElapsed') === 0,
    wire: [{ mode: 'air-filter-reset', refuse: accept }],
  }),

  airFilterLife: key<number>({
    parse: (v, k) => {
      const ok =
        v === 0 ||
        (typeof v === 'number' &&
          Number.isInteger(v / FILTER_STEP_H) &&
          v >= FILTER_MIN_H &&
          v <= FILTER_MAX_H);
      if (!ok)
        throw invalid(
          `msg.payload.${k} must be the hours between filter alarms, ${FILTER_MIN_H} to ${FILTER_MAX_H} in steps of ${FILTER_STEP_H}, or 0 to turn the alarm off (got ${show(v)})`,
        );
      return v;
    },
    needsFeature: false,
    capabilities: () => [],
    encode: (hours) => ({
      mode: 'air-filter-life',
      param: [hours / FILTER_STEP_H],
      label: hours === 0 ? 'filter alarm off' : `filter life ${hours} h`,
    }),
    confirmedBy: 'airFilterAlarmPeriod (hours; 0 or airFilterAlarmUse off when turned off)',
    confirms: (_mode, [steps], status) => {
      const period = num(status, 'airFilterAlarmPeriod');
      // What a heater reports after "alarm off" is undocumented (§8.42): accept either sign.
      if (steps === 0) return period === 0 || num(status, 'airFilterAlarmUse') === 1;
      return steps !== undefined && period === steps * FILTER_STEP_H;
    },
    wire: [
      {
        mode: 'air-filter-life',
        refuse: ([p0]) =>
          p0 === 0 || intIn(p0, FILTER_MIN_H / FILTER_STEP_H, FILTER_MAX_H / FILTER_STEP_H)
            ? undefined
            : 'air-filter-life needs 0 or 2–20 (hours / 500)',
      },
    ],
  }),

  intelligent: key<boolean>({
    parse: (v, k) => expectBoolean(k, v),
    needsFeature: false,
    capabilities: () => [],
    encode: onOff('intelligent-on', 'intelligent-off', 'intelligent'),
    confirmedBy: ANSWER,
    confirms: byAnswer,
    wire: [
      { mode: 'intelligent-on', refuse: accept },
      { mode: 'intelligent-off', refuse: accept },
    ],
  }),
} as const satisfies Record<string, ControlTableEntry>;

export type ControlKey = keyof typeof CONTROL_TABLE;

/** Every accepted payload key, in the order the help lists them. */
export const CONTROL_KEYS = Object.keys(CONTROL_TABLE) as ControlKey[];

/** The keys that send a command (what error messages suggest). */
export const USABLE_KEYS = CONTROL_KEYS.filter((k) => !('refused' in CONTROL_TABLE[k]));

export function isControlKey(k: string): k is ControlKey {
  return Object.prototype.hasOwnProperty.call(CONTROL_TABLE, k);
}

/** The entry of a key that can be sent; throws NAVIEN_UNSUPPORTED for a refused one. */
export function sendableEntry(k: ControlKey): ControlKeySpec {
  const entry: ControlTableEntry = CONTROL_TABLE[k];
  if ('refused' in entry) throw new NavienError('NAVIEN_UNSUPPORTED', entry.refused);
  return entry;
}
