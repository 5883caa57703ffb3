/**
 * The control table seen from the heater's side: which `ctrl` commands a heater accepts and
 * with which parameters. The simulator obeys commands by this, so it accepts exactly what the
 * client's encoder can send.
 */
import type { ControlMode } from '../protocol/commands';
import type { Feature } from './checks';
import { CONTROL_TABLE, type ControlTableEntry, type WireForm } from './keys';

const FORMS: readonly WireForm[] = (Object.values(CONTROL_TABLE) as ControlTableEntry[]).flatMap(
  (entry) => ('wire' in entry ? entry.wire : []),
);

/**
 * Why a heater with this feature record refuses `mode` with `param`, or undefined when one of
 * the table's wire forms accepts it (dhw-mode has two: a mode, and vacation with its days).
 */
export function refusal(
  mode: ControlMode,
  param: readonly number[],
  feature: Feature,
): string | undefined {
  const reasons: string[] = [];
  for (const form of FORMS) {
    if (form.mode !== mode) continue;
    const reason = form.refuse(param, feature);
    if (reason === undefined) return undefined;
    reasons.push(reason);
  }
  return reasons.length > 0 ? `${mode}: ${reasons.join(', or ')}` : `no key sends ${mode}`;
}
