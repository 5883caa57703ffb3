/**
 * The public face of the protocol client: node files (src/navien-*.ts) import from here and
 * nowhere else in src/navien/ (an ESLint rule holds them to it). Everything reaches the cloud
 * through a NavienAccount; the rest are plain decoders, parsers and types.
 */
export {
  NavienAccount,
  type ConnectionState,
  type ConnectionStateChange,
  type NavienAccountOptions,
} from './account';
export type { StatusListenerOptions, StatusSubscription, StatusUpdate } from './status/stream';
export { sameStatus } from './status/compare';
export { checkEndpoint } from './endpoints';
export {
  isNavienError,
  NavienError,
  toNavienError,
  type NavienErrorCode,
  type NavienErrorInfo,
} from './errors';
export type { Device, LastError, Logger } from './types';
export type { TokenStore } from './token-store';
export { decodeStatus, summarizeStatus, type DecodedStatus } from './decode/status';
export { decodeFeature } from './decode/feature';
export type { DecodedEnergy, EnergyTotals } from './decode/energy';
export type { DecodedEnergyHistory, EnergyYear } from './decode/energy-history';
export type { CounterUnit, InstallerCounters } from './decode/counters';
export { parseEnergyHistoryRequest, type EnergyHistoryQuery } from './energy-history-request';
export type { UnitChoice } from './decode/units';
export { parseEnergyRequest } from './energy-request';
export type { EnergyQuery } from './mqtt/energy';
export { parseControlPayload, type ControlStep } from './control/commands';
export {
  DEFAULT_CONFIRM_TIMEOUT_MS,
  DEFAULT_QUEUE_LIMIT_MS,
  type DeviceController,
} from './control/controller';
// navien-events: the detector that turns statuses into events (it reads the shared stream above)
export * from './events';
// The heater's own programs: weekly schedule (navien-schedule) and TOU write (navien-tou)
export {
  parseScheduleAction,
  runScheduleAction,
  type ScheduleAction,
  type ScheduleOutput,
} from './program/schedule-action';
export { parseTouAction, type TouAction } from './program/tou-action';
export { decodeTouProgram } from './program/tou-echo';
