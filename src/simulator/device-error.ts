/**
 * The `/device/list` `error` block (NAVIEN-PROTOCOL.md §9.8) of a simulated heater showing a
 * fault: the code and when it occurred, in the cloud's form (ISO date-time without a zone).
 */
import type { RawDeviceEntry } from '../navien/types';

export function errorBlock(errorCode: number, at: number): NonNullable<RawDeviceEntry['error']> {
  return { errorCode, errorOccuredTime: new Date(at).toISOString().slice(0, 19) };
}
