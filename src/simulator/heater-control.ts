/**
 * How the simulated heater obeys the `ctrl` commands (NAVIEN-PROTOCOL.md §2.7, §9.6): the
 * control table decides which parameters a heater accepts (so the simulator accepts exactly
 * what the client can send); this file only says what each accepted command does to the state.
 */
import { refusal } from '../navien/control/wire';
import { CONTROL_MODES, isControlMode, type ControlMode } from '../navien/protocol/commands';
import { DhwMode } from '../navien/protocol/modes';
import { decideHeating, setMode } from './heater-physics';
import { DAY_S, type HeaterState } from './heater-state';
import { encodeFeature } from './heater-wire';

export type ControlResult = { ok: true } | { ok: false; reason: string };

type Effect = (s: HeaterState, param: readonly number[]) => void;

const EFFECTS: Readonly<Record<ControlMode, Effect>> = {
  'power-off': (s) => {
    if (s.mode === DhwMode.POWER_OFF) return;
    s.resumeMode = s.mode === DhwMode.VACATION ? s.resumeMode : s.mode;
    setMode(s, DhwMode.POWER_OFF);
  },
  'power-on': (s) => {
    if (s.mode === DhwMode.POWER_OFF) setMode(s, s.resumeMode);
  },
  'dhw-mode': (s, [mode, days]) => {
    if (mode === undefined) return;
    if (mode === DhwMode.VACATION && days !== undefined) {
      if (s.mode !== DhwMode.VACATION && s.mode !== DhwMode.POWER_OFF) s.resumeMode = s.mode;
      s.vacationDays = days;
    } else {
      s.resumeMode = mode;
    }
    setMode(s, mode);
  },
  // The vacation length alone: the mode stays as it is (§9.6, seen live).
  'goout-day': (s, [days]) => {
    if (days !== undefined) s.vacationDays = days;
  },
  'dhw-temperature': (s, [halfC]) => {
    if (halfC !== undefined) s.setpoint = halfC;
  },
  'anti-leg-on': (s, [period]) => {
    s.antiLegionella = true;
    if (period !== undefined) s.antiLegionellaPeriod = period;
    s.legionellaDueS = s.antiLegionellaPeriod * DAY_S;
  },
  'anti-leg-off': (s) => {
    s.antiLegionella = false;
    s.legionellaRunning = false;
  },
  'tou-on': (s) => {
    s.tou = true;
  },
  'tou-off': (s) => {
    s.tou = false;
  },
  'dr-on': (s) => {
    s.dr = true;
  },
  'dr-off': (s) => {
    s.dr = false;
  },
  'intelligent-on': (s) => {
    s.intelligent = true;
  },
  'intelligent-off': (s) => {
    s.intelligent = false;
  },
  'air-filter-reset': (s) => {
    s.filterElapsedH = 0;
  },
  // Sent as hours / 500; 0 turns the reminder off (§9.6).
  'air-filter-life': (s, [steps]) => {
    if (steps !== undefined) s.filterPeriodH = steps * 500;
  },
  'recirc-mode': (s, [mode]) => {
    if (mode !== undefined) s.recircMode = mode;
  },
  'recirc-hotbtn': () => undefined,
};

/** Applies a `ctrl` mode command; `command` may be 0 when only the mode string is known. */
export function applyControl(
  s: HeaterState,
  command: number,
  mode: string,
  param: readonly number[] = [],
): ControlResult {
  if (!isControlMode(mode)) return { ok: false, reason: `unsupported control mode "${mode}"` };
  if (command !== 0 && command !== CONTROL_MODES[mode])
    return { ok: false, reason: `command ${command} does not match mode "${mode}"` };
  const reason = refusal(mode, param, encodeFeature(s));
  if (reason !== undefined) return { ok: false, reason };
  EFFECTS[mode](s, param);
  decideHeating(s);
  return { ok: true };
}
