/**
 * Finds the edges in one heater's stream of decoded statuses (issue 13): heating, mode,
 * set-point, power, errors, draws, tank charge and whether the heater is reachable.
 *
 * Pure and synchronous: statuses, "offline" verdicts and an injected clock in, events out. The
 * first status after start or after a reconnect sets the baseline and emits nothing unless
 * `initial` is set (then it emits the current state). Whether the heater is reachable is kept
 * across reconnects, so every `offline` is followed by one `online`.
 */
import type { DecodedStatus } from '../decode/status';
import type { EventName } from './names';
import {
  charge,
  currentError,
  drawing,
  heatSource,
  modeName,
  powerOn,
  setpoint,
  setpointC,
  type ErrorReading,
  type HeatSource,
} from './readings';

/** What changed: `from`/`to` in plain values and the node's unit, plus per-event fields. */
export interface EventFields {
  from: unknown;
  to: unknown;
  [extra: string]: unknown;
}

export interface EventPayload extends EventFields {
  event: EventName;
  macAddress: string;
  deviceName: string;
  /** ISO time of the status (or verdict) that caused the event. */
  at: string;
}

type Add = (event: EventName, fields: EventFields) => void;

export interface DetectedEvent {
  payload: EventPayload;
  /** The decoded status that caused it; absent for `offline`. */
  status?: DecodedStatus;
}

export interface DetectorOptions {
  /** Tank charge % below which `charge-low` fires; `charge-recovered` above this + 10. */
  lowCharge: number;
  /** Emit the current state as events from the baseline status. */
  initial: boolean;
  /** Which events to report (all when absent). */
  events?: ReadonlySet<EventName>;
  /** Epoch ms; injected for tests. */
  now?: () => number;
}

export type OfflineReason = 'no-status' | 'cloud';

/** Charge must climb this far above the threshold before it counts as recovered. */
export const CHARGE_HYSTERESIS = 10;
/** A heater that sent a status this recently is online, whatever an older device list says. */
export const CLOUD_FLAG_GRACE_MS = 60_000;
/** Set-points closer than this (°C) are the same; the wire's step is 0.5 °C. */
const SETPOINT_EPSILON_C = 0.2;

interface Baseline {
  heat?: HeatSource | null;
  mode?: string | number;
  setpointC?: number;
  setpoint?: number;
  power?: boolean;
  error?: ErrorReading | null;
  drawing?: boolean;
  charge?: number;
  chargeLow?: boolean;
}

export class EventDetector {
  private readonly device: { macAddress: string; deviceName: string };
  private readonly opts: DetectorOptions;
  private readonly now: () => number;
  private baseline: Baseline | undefined;
  /** undefined until we know; survives resetBaseline. */
  private online: boolean | undefined;
  private lastStatusAt: number | undefined;

  constructor(device: { macAddress: string; deviceName: string }, opts: DetectorOptions) {
    this.device = { macAddress: device.macAddress, deviceName: device.deviceName };
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  /** True once the heater has been judged offline (and no status came since). */
  get isOffline(): boolean {
    return this.online === false;
  }

  /** After a reconnect: the next status is a new baseline (changes during the gap are unknown). */
  resetBaseline(): void {
    this.baseline = undefined;
  }

  status(status: DecodedStatus, receivedAt = this.now()): DetectedEvent[] {
    this.lastStatusAt = receivedAt;
    const out: DetectedEvent[] = [];
    const at = new Date(receivedAt).toISOString();
    const add: Add = (event, fields) => this.push(out, event, at, fields, status);

    if (this.online === false || (this.online === undefined && this.opts.initial)) {
      add('online', { from: this.online === false ? 'offline' : null, to: 'online' });
    }
    this.online = true;

    const next = this.read(status);
    const prev = this.baseline;
    if (prev) this.compare(prev, next, status, add);
    else if (this.opts.initial) this.compare({}, next, status, add);
    this.baseline = this.merge(prev, next);
    return out;
  }

  /** No status for too long (`no-status`), or the cloud lists the heater as disconnected. */
  offline(reason: OfflineReason): DetectedEvent[] {
    if (this.online === false) return [];
    const now = this.now();
    if (
      reason === 'cloud' &&
      this.lastStatusAt !== undefined &&
      now - this.lastStatusAt < CLOUD_FLAG_GRACE_MS
    ) {
      return [];
    }
    const wasKnown = this.online === true;
    this.online = false;
    if (!wasKnown && !this.opts.initial) return [];
    const out: DetectedEvent[] = [];
    this.push(out, 'offline', new Date(now).toISOString(), {
      from: wasKnown ? 'online' : null,
      to: 'offline',
      reason,
      lastStatusAt:
        this.lastStatusAt === undefined ? null : new Date(this.lastStatusAt).toISOString(),
    });
    return out;
  }

  private read(status: DecodedStatus): Baseline {
    const level = charge(status);
    return {
      heat: heatSource(status),
      mode: modeName(status),
      setpointC: setpointC(status),
      setpoint: setpoint(status),
      power: powerOn(status),
      error: currentError(status),
      drawing: drawing(status),
      charge: level,
      chargeLow: undefined,
    };
  }

  /** A field the status did not carry keeps its last known value. */
  private merge(prev: Baseline | undefined, next: Baseline): Baseline {
    const merged: Baseline = { ...prev };
    for (const [key, value] of Object.entries(next) as [keyof Baseline, unknown][]) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
    merged.chargeLow = this.chargeLowAfter(prev, next.charge);
    return merged;
  }

  /** Hysteresis: low below the threshold, recovered only above threshold + 10. */
  private chargeLowAfter(
    prev: Baseline | undefined,
    level: number | undefined,
  ): boolean | undefined {
    const wasLow = prev?.chargeLow;
    if (level === undefined) return wasLow;
    if (wasLow === true) return level <= this.opts.lowCharge + CHARGE_HYSTERESIS;
    return level < this.opts.lowCharge;
  }

  private compare(prev: Baseline, next: Baseline, status: DecodedStatus, add: Add): void {
    const unit = status.temperatureUnit;
    if (next.heat !== undefined && next.heat !== (prev.heat ?? null)) {
      if (next.heat === null)
        add('heating-stopped', { from: prev.heat, to: null, source: prev.heat });
      else add('heating-started', { from: prev.heat ?? null, to: next.heat, source: next.heat });
    }
    if (next.mode !== undefined && next.mode !== prev.mode) {
      add('mode-changed', { from: prev.mode ?? null, to: next.mode });
    }
    if (
      next.setpointC !== undefined &&
      (prev.setpointC === undefined ||
        Math.abs(next.setpointC - prev.setpointC) > SETPOINT_EPSILON_C)
    ) {
      add('setpoint-changed', {
        from: prev.setpointC === undefined ? null : inUnit(prev.setpointC, unit),
        to: next.setpoint,
        unit,
      });
    }
    if (next.power !== undefined && next.power !== prev.power) {
      add('power-changed', { from: prev.power ?? null, to: next.power });
    }
    this.compareErrors(prev.error ?? null, next.error, add);
    if (next.drawing !== undefined && next.drawing !== (prev.drawing ?? false)) {
      add(next.drawing ? 'draw-started' : 'draw-ended', {
        from: prev.drawing ?? null,
        to: next.drawing,
      });
    }
    const wasLow = prev.chargeLow ?? false;
    const isLow = this.chargeLowAfter(prev, next.charge);
    if (next.charge !== undefined && isLow !== wasLow) {
      add(isLow ? 'charge-low' : 'charge-recovered', {
        from: prev.charge ?? null,
        to: next.charge,
        threshold: isLow ? this.opts.lowCharge : this.opts.lowCharge + CHARGE_HYSTERESIS,
        unit: '%',
      });
    }
  }

  /** One code changing to another is a clear and a raise. */
  private compareErrors(
    prev: ErrorReading | null,
    next: ErrorReading | null | undefined,
    add: Add,
  ): void {
    if (next === undefined || next?.code === prev?.code) return;
    if (prev) {
      add('error-cleared', {
        from: prev.code,
        to: next ? next.code : null,
        code: prev.code,
        subCode: prev.subCode,
        text: prev.text,
      });
    }
    if (next) {
      add('error-raised', {
        from: prev ? prev.code : null,
        to: next.code,
        code: next.code,
        subCode: next.subCode,
        text: next.text,
      });
    }
  }

  private push(
    out: DetectedEvent[],
    event: EventName,
    at: string,
    fields: EventFields,
    status?: DecodedStatus,
  ): void {
    if (this.opts.events && !this.opts.events.has(event)) return;
    const payload: EventPayload = {
      event,
      macAddress: this.device.macAddress,
      deviceName: this.device.deviceName,
      at,
      ...fields,
    };
    out.push(status ? { payload, status } : { payload });
  }
}

function inUnit(celsius: number, unit: '°C' | '°F'): number {
  const v = unit === '°C' ? celsius : (celsius * 9) / 5 + 32;
  return Math.round(v * 10) / 10;
}
