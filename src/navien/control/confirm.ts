/**
 * Which raw status (NAVIEN-PROTOCOL.md §3.2) shows that a control command took effect. The
 * heater answers every command with its status (§2.5); these checks make sure that status
 * reflects the write rather than the state from before it.
 */
import { POWER_OFF_MODE, VACATION_MODE, type ControlStep } from './commands';

type RawStatus = Record<string, unknown>;

function num(status: RawStatus, key: string): number | undefined {
  const v = status[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** True when `status` reflects `step`. */
export function confirms(step: ControlStep, status: RawStatus): boolean {
  const mode = num(status, 'dhwOperationSetting');
  const p0 = step.param[0];
  switch (step.mode) {
    case 'power-off':
      return mode === POWER_OFF_MODE;
    case 'power-on':
      return mode !== undefined && mode !== POWER_OFF_MODE;
    case 'dhw-temperature':
      return num(status, 'dhwTemperatureSetting') === p0;
    case 'dhw-mode':
      if (p0 !== VACATION_MODE) return mode === p0;
      // Older firmware may not report the day count; the mode alone then has to do.
      return (
        mode === VACATION_MODE &&
        (num(status, 'vacationDaySetting') === undefined ||
          num(status, 'vacationDaySetting') === step.param[1])
      );
    case 'anti-leg-on':
      return (
        num(status, 'antiLegionellaUse') === 2 &&
        (num(status, 'antiLegionellaPeriod') === undefined ||
          num(status, 'antiLegionellaPeriod') === p0)
      );
    case 'anti-leg-off':
      return num(status, 'antiLegionellaUse') === 1;
    case 'tou-on':
    case 'tou-off': {
      // touStatus is 0/1 (§3.2); fall back to programReservationUse (device bool) without it.
      const on = step.mode === 'tou-on';
      const tou = num(status, 'touStatus');
      if (tou !== undefined) return (tou !== 0) === on;
      const program = num(status, 'programReservationUse');
      return program !== undefined && (program === 2) === on;
    }
    case 'frez-temp':
      return num(status, 'freezeProtectionTemperature') === p0;
    case 'recirc-mode':
      return num(status, 'recircOperationMode') === p0;
    case 'air-filter-reset':
      return num(status, 'airFilterAlarmElapsed') === 0;
    default:
      // dr-on/off, intelligent-on/off, recirc-hotbtn: no status key is documented to reflect
      // them, so the heater's answer to the command is the confirmation (as the CLI does).
      return true;
  }
}
