/**
 * The shape of one control-table entry (keys.ts): everything the validator, the encoder, the
 * confirmer and the simulator need to know about one navien-control payload key.
 */
import type { TempUnit } from '../decode/units';
import type { ControlMode } from '../protocol/commands';
import type { Capability, Feature, RawStatus } from './checks';

export type ControlValue = boolean | number | string;

/** One protocol command as the table encodes it. */
export interface WireCommand {
  mode: ControlMode;
  param: number[];
  /** Short human text for badges and errors, e.g. "125°F", "mode heat-pump", "power off". */
  label: string;
}

export interface EncodeContext {
  feature: Feature;
  unit: TempUnit;
}

/** A `ctrl` mode a key sends, and why a heater would refuse a parameter list for it. */
export interface WireForm {
  mode: ControlMode;
  /** The reason a heater with this feature record refuses `param`, or undefined to accept. */
  refuse(param: readonly number[], feature: Feature): string | undefined;
}

export interface ControlKeySpec<V extends ControlValue = ControlValue> {
  /** Checks the payload value's shape; throws NAVIEN_INVALID_INPUT. */
  parse(value: unknown, key: string): V;
  /** Whether encoding reads the feature record (capability flags or limits). */
  needsFeature: boolean;
  /** Feature flags checked before anything is sent. */
  capabilities(value: V): readonly Capability[];
  /** The command for a checked value; throws when the value is outside the heater's limits. */
  encode(value: V, ctx: EncodeContext, key: string): WireCommand;
  /** The heater status field(s) that confirm the key, as README and help name them. */
  confirmedBy: string;
  /** Whether `status` reflects the command `(mode, param)` this key sent. */
  confirms(mode: ControlMode, param: readonly number[], status: RawStatus): boolean;
  /** The wire forms this key sends. */
  wire: readonly WireForm[];
}

/** A key the vendor app has no command for: refused before anything is sent. */
export interface RefusedKey {
  refused: string;
}

export type ControlTableEntry = ControlKeySpec | RefusedKey;

/** Stores a typed entry in the table; parse() guarantees encode() only sees its own type. */
export function key<V extends ControlValue>(spec: ControlKeySpec<V>): ControlKeySpec {
  return spec;
}
