/**
 * Which raw status (NAVIEN-PROTOCOL.md §3.2) shows that a control command took effect. The
 * heater answers every command with its status (§2.5); the key's entry in the control table
 * says which field must reflect the write rather than the state from before it.
 */
import { isControlMode } from '../protocol/commands';
import type { RawStatus } from './checks';
import type { ControlStep } from './commands';
import { sendableEntry } from './keys';

/** True when `status` reflects `step`. */
export function confirms(step: ControlStep, status: RawStatus): boolean {
  if (!isControlMode(step.mode)) return false;
  return sendableEntry(step.key).confirms(step.mode, step.param, status);
}
