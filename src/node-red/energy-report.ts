import { NavienError } from '../navien/errors';

/** What navien-energy reads: days of some months, months of some years, or the lifetime counters. */
export const ENERGY_REPORTS = ['daily', 'monthly', 'lifetime'] as const;
export type EnergyReport = (typeof ENERGY_REPORTS)[number];

function isReport(v: unknown): v is EnergyReport {
  return typeof v === 'string' && (ENERGY_REPORTS as readonly string[]).includes(v);
}

/**
 * The node's **Report** setting wins (Node-RED core's rule); `msg.payload.report` is read only
 * when the setting is empty ("set by msg", also what flows saved before the setting existed
 * have), and without either the report is `daily`, today's behaviour. `onIgnoredMsgReport` runs
 * when a msg asked for a different report than the node's setting.
 */
export function pickEnergyReport(
  configured: string | undefined,
  payload: unknown,
  onIgnoredMsgReport: () => void,
): EnergyReport {
  const fromMsg =
    typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>).report
      : undefined;
  if (configured && configured.trim()) {
    if (!isReport(configured)) {
      throw new NavienError(
        'NAVIEN_INVALID_INPUT',
        `The node's Report must be one of ${ENERGY_REPORTS.join(', ')} (got ${JSON.stringify(configured)})`,
      );
    }
    if (fromMsg !== undefined && fromMsg !== configured) onIgnoredMsgReport();
    return configured;
  }
  if (fromMsg === undefined) return 'daily';
  if (!isReport(fromMsg)) {
    throw new NavienError(
      'NAVIEN_INVALID_INPUT',
      `msg.payload.report must be one of ${ENERGY_REPORTS.join(', ')} (got ${JSON.stringify(fromMsg)})`,
    );
  }
  return fromMsg;
}
