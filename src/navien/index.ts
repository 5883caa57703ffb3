/**
 * The face of the Navien client that node files import. (The "stream" branch grows this file;
 * on merge keep both sides' exports and drop the stopgap status source from ./events.)
 */
export type { NavienAccount } from './account';
export type { DecodedStatus, UnitChoice } from './decode/status';
export { NavienError } from './errors';
export type { Device } from './types';
export * from './events';
