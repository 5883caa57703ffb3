/**
 * How the simulated heater obeys the §2.7 control commands: checks each command's parameters
 * as the real unit would and changes the heater's state.
 */
import { decideHeating, setMode } from './heater-physics';
import { DAY_S, DHW_MAX, DHW_MIN, FREEZE_MAX, FREEZE_MIN, type HeaterState } from './heater-state';

export type ControlResult = { ok: true } | { ok: false; reason: string };

/** §2.7: control mode string → command code. */
export const CONTROL_COMMANDS: Readonly<Record<string, number>> = {
  'power-off': 33554433,
  'power-on': 33554434,
  'dhw-mode': 33554437,
  'recirc-hotbtn': 33554444,
  'recirc-mode': 33554445,
  'frez-temp': 33554451,
  'dhw-temperature': 33554464,
  'intelligent-off': 33554467,
  'intelligent-on': 33554468,
  'dr-off': 33554469,
  'dr-on': 33554470,
  'anti-leg-off': 33554471,
  'anti-leg-on': 33554472,
  'air-filter-reset': 33554473,
  'tou-off': 33554475,
  'tou-on': 33554476,
};

/** Applies a §2.7 mode command; `command` may be 0 when only the mode string is known. */
export function applyControl(
  s: HeaterState,
  command: number,
  mode: string,
  param: readonly number[] = [],
): ControlResult {
  const code = CONTROL_COMMANDS[mode];
  if (code === undefined) return { ok: false, reason: `unsupported control mode "${mode}"` };
  if (command !== 0 && command !== code)
    return { ok: false, reason: `command ${command} does not match mode "${mode}"` };
  const p0 = param[0];
  const off = s.mode === 6;
  switch (mode) {
    case 'power-off':
      if (!off) {
        s.resumeMode = s.mode === 5 ? s.resumeMode : s.mode;
        setMode(s, 6);
      }
      break;
    case 'power-on':
      if (off) setMode(s, s.resumeMode);
      break;
    case 'dhw-mode': {
      if (p0 === undefined || !Number.isInteger(p0) || p0 < 1 || p0 > 5)
        return { ok: false, reason: 'dhw-mode needs a mode 1–5' };
      if (p0 === 5) {
        const days = param[1];
        if (days === undefined || !Number.isInteger(days) || days < 1 || days > 30)
          return { ok: false, reason: 'vacation needs 1–30 days' };
        if (s.mode !== 5 && s.mode !== 6) s.resumeMode = s.mode;
        s.vacationDays = days;
      } else {
        s.resumeMode = p0;
        s.vacationDays = 0;
      }
      setMode(s, p0);
      break;
    }
    case 'dhw-temperature':
      if (p0 === undefined || !Number.isInteger(p0) || p0 < DHW_MIN || p0 > DHW_MAX)
        return { ok: false, reason: `temperature must be ${DHW_MIN}–${DHW_MAX} half-°C` };
      s.setpoint = p0;
      break;
    case 'frez-temp':
      if (p0 === undefined || !Number.isInteger(p0) || p0 < FREEZE_MIN || p0 > FREEZE_MAX)
        return { ok: false, reason: `freeze temperature must be ${FREEZE_MIN}–${FREEZE_MAX}` };
      s.freezeTemp = p0;
      break;
    case 'anti-leg-on':
      if (p0 !== undefined && (!Number.isInteger(p0) || p0 < 1 || p0 > 30))
        return { ok: false, reason: 'anti-legionella period must be 1–30 days' };
      s.antiLegionella = true;
      if (p0 !== undefined) s.antiLegionellaPeriod = p0;
      s.legionellaDueS = s.antiLegionellaPeriod * DAY_S;
      break;
    case 'anti-leg-off':
      s.antiLegionella = false;
      s.legionellaRunning = false;
      break;
    case 'tou-on':
    case 'tou-off':
      s.tou = mode === 'tou-on';
      break;
    case 'dr-on':
    case 'dr-off':
      s.dr = mode === 'dr-on';
      break;
    case 'intelligent-on':
    case 'intelligent-off':
      s.intelligent = mode === 'intelligent-on';
      break;
    case 'air-filter-reset':
      s.filterElapsedH = 0;
      break;
    case 'recirc-mode':
      if (!s.recirculation) return { ok: false, reason: 'no recirculation module fitted' };
      if (p0 === undefined || !Number.isInteger(p0) || p0 < 1 || p0 > 4)
        return { ok: false, reason: 'recirc-mode needs 1–4' };
      s.recircMode = p0;
      break;
    case 'recirc-hotbtn':
      if (!s.recirculation) return { ok: false, reason: 'no recirculation module fitted' };
      break;
  }
  decideHeating(s);
  return { ok: true };
}
