import type { NavienAccountOptions } from '../navien/account';

type TimeoutOptions = Pick<NavienAccountOptions, 'mqttReadyTimeoutMs' | 'deviceAnswerTimeoutMs'>;

/**
 * Optional `navienTimeouts: { mqttReadyMs, deviceAnswerMs }` in Node-RED's settings. The defaults
 * (20 s, 30 s) suit the cloud; the tests shorten them so a "never answers" case does not cost
 * half a minute. Anything that is not a positive number is ignored.
 */
export function timeoutsFromSettings(settings: unknown): TimeoutOptions {
  const raw = (settings as { navienTimeouts?: unknown } | undefined)?.navienTimeouts;
  if (!raw || typeof raw !== 'object') return {};
  const { mqttReadyMs, deviceAnswerMs } = raw as Record<string, unknown>;
  const positive = (v: unknown): v is number => typeof v === 'number' && v > 0 && v < 2 ** 31;
  const out: TimeoutOptions = {};
  if (positive(mqttReadyMs)) out.mqttReadyTimeoutMs = mqttReadyMs;
  if (positive(deviceAnswerMs)) out.deviceAnswerTimeoutMs = deviceAnswerMs;
  return out;
}
