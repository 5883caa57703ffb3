/**
 * A pure model of one NWP500 heat-pump water heater: a two-layer tank, a heat pump and two
 * elements, with the controls of NAVIEN-PROTOCOL.md §2.7 and the raw encodings of §3 / §4.
 * No I/O and no wall clock: time only moves through tick(), and randomness comes from a seeded
 * generator, so tests can replay a run exactly.
 *
 * This class is the heater's public face; its jobs live next to it: the state record
 * (heater-state.ts), the physics (heater-physics.ts), the wire encoding (heater-wire.ts) and
 * the control handling (heater-control.ts).
 */
import { CONTROL_MODES } from '../navien/protocol/commands';
import { applyControl, type ControlResult } from './heater-control';
import { followProgram } from './heater-programs';
import { advance, decideHeating, energyUsage, startDraw } from './heater-physics';
import {
  installerCounters,
  lifetime,
  monthlyUsage,
  type HistorySource,
  type MonthlyAnswer,
} from './heater-history';
import {
  initialState,
  type EnergyAnswer,
  type HeaterOptions,
  type HeaterState,
} from './heater-state';
import { encodeFeature, encodeStatus, type RawFeature, type RawStatus } from './heater-wire';

export type { ControlResult } from './heater-control';
export {
  DHW_MAX,
  DHW_MIN,
  type EnergyAnswer,
  type EnergyDay,
  type HeaterOptions,
} from './heater-state';
export { STATUS_KEYS, type RawFeature, type RawStatus, type StatusKey } from './heater-wire';

/** §2.7: control mode string → command code (the protocol's table, under its old name here). */
export const CONTROL_COMMANDS: Readonly<Record<string, number>> = CONTROL_MODES;

export class Heater {
  readonly mac: string;
  readonly additionalValue: string;
  readonly deviceName: string;
  readonly controllerSerialNumber: string;
  /** Offline heaters are listed with connected = 1 and never answer over MQTT. */
  connected = true;

  private readonly state: HeaterState;

  constructor(options: HeaterOptions) {
    this.mac = options.mac;
    this.additionalValue = options.additionalValue ?? '7781';
    this.deviceName = options.deviceName ?? 'Simulated NWP500';
    this.state = initialState(options);
    this.controllerSerialNumber = this.state.controllerSerialNumber;
    decideHeating(this.state);
  }

  // ---- inputs ----------------------------------------------------------------------------

  /** Starts a hot-water draw (replacing any running one). */
  startDraw(lpm: number, seconds: number): void {
    startDraw(this.state, lpm, seconds);
  }

  stopDraw(): void {
    this.state.draw = null;
  }

  setAmbient(celsius: number): void {
    this.state.ambientC = celsius;
  }

  /** Shows an error code (§3.4); 799 also trips the leak sensor, 990 the condensate one. */
  injectError(code: number, sub = 0): void {
    this.state.errorCode = code;
    this.state.subErrorCode = sub;
    decideHeating(this.state);
  }

  clearError(): void {
    this.injectError(0, 0);
  }

  /** Advances the model by dtSec simulated seconds. */
  tick(dtSec: number): void {
    advance(this.state, dtSec);
    followProgram(this);
  }

  /** Applies a §2.7 mode command; `command` may be 0 when only the mode string is known. */
  applyControl(command: number, mode: string, param: readonly number[] = []): ControlResult {
    return applyControl(this.state, command, mode, param);
  }

  // ---- outputs ---------------------------------------------------------------------------

  /** Simulated epoch ms. */
  get time(): number {
    return this.state.clock;
  }

  get dhwOperationSetting(): number {
    return this.state.mode;
  }

  /** Days the vacation mode lasts (vacationDaySetting). */
  get vacationDays(): number {
    return this.state.vacationDays;
  }

  /** Tank sensor temperatures in °C (upper, lower). */
  get tankC(): { upper: number; lower: number } {
    return { upper: this.state.upperC, lower: this.state.lowerC };
  }

  /** Intelligent (learning) reservation mode; the status record has no key for it. */
  get intelligentMode(): boolean {
    return this.state.intelligent;
  }

  status(): RawStatus {
    return encodeStatus(this.state);
  }

  feature(): RawFeature {
    return encodeFeature(this.state);
  }

  /**
   * Daily usage for the given months (§4.5). Days before the heater started get a plausible,
   * seed-derived history so charts are not empty; days after "now" are zero.
   */
  energyUsage(year: number, months: readonly number[]): EnergyAnswer {
    // `total` is the heater's lifetime count, not the sum of the months asked (§9.3).
    return { ...energyUsage(this.state, year, months), total: lifetime(this.history()).total };
  }

  /** Twelve month sums per year of `years` (§9.3.2), from the same days as energyUsage. */
  energyHistory(years: readonly number[]): MonthlyAnswer {
    return monthlyUsage(this.history(), years);
  }

  /** The installer counters (§9.4), consistent with the lifetime `total`. */
  installerCounters(): ReturnType<typeof installerCounters> {
    return installerCounters(this.history(), this.state.errorCode);
  }

  private history(): HistorySource {
    return {
      daily: (year, months) => energyUsage(this.state, year, months),
      startTime: this.state.startTime,
      now: this.state.clock,
    };
  }
}
