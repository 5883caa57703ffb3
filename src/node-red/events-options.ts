import type { UnitChoice } from '../navien';

export const DEFAULT_LOW_CHARGE = 25;
export const DEFAULT_STALE_AFTER_S = 900;
export const DEFAULT_EVENTS_INTERVAL_S = 300;
export const MIN_SECONDS = 30;

/** A whole number of seconds, at least `min`; the default when empty or not a number. */
export function parseSeconds(value: unknown, fallback: number, min = MIN_SECONDS): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return fallback;
  return Math.max(min, Math.round(n));
}

/** Tank charge % for charge-low: 0–100, default 25. */
export function parseLowCharge(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_LOW_CHARGE;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : DEFAULT_LOW_CHARGE;
}

export function parseUnits(value: unknown): UnitChoice {
  return value === 'F' || value === 'C' ? value : 'auto';
}

/** "14:03" in the Node-RED host's local time, for badges. */
export function clockTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
