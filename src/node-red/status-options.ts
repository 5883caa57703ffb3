const DEFAULT_INTERVAL_S = 300;
const MIN_INTERVAL_S = 30;

/** Seconds between status requests: default 300, at least 30, 0 = only on connect and input. */
export function parseInterval(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_INTERVAL_S;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) return DEFAULT_INTERVAL_S;
  if (n === 0) return 0;
  return Math.max(MIN_INTERVAL_S, Math.round(n));
}
