/**
 * The state of one simulated NWP500 and the fixed figures its model uses. The physics, the
 * wire encoding and the control handling each read and change this one record, so the three
 * jobs live in separate files without sharing private fields of a class.
 */

export interface EnergyDay {
  hpUsage: number;
  heUsage: number;
  hpTime: number;
  heTime: number;
}

/** §4.5 energy answer. */
export interface EnergyAnswer {
  typeOfUsage: number;
  total: EnergyDay;
  usage: { year: number; month: number; data: EnergyDay[] }[];
}

export interface HeaterOptions {
  /** 12 lowercase hex characters, as the REST device list returns it. */
  mac: string;
  additionalValue?: string;
  deviceName?: string;
  /** Seed of the random draws; default derived from the MAC so each heater differs. */
  seed?: number;
  /** Tank size in US gallons: 50, 65 (default) or 80. */
  gallons?: 50 | 65 | 80;
  /** Set-point in half-°C (default 120 = 60 °C / 140 °F). */
  setpoint?: number;
  /** dhwOperationSetting 1–4 at start (default 3, energy saver). */
  mode?: 1 | 2 | 3 | 4;
  /** Display unit reported to clients: 1 °C, 2 °F (default). */
  temperatureType?: 1 | 2;
  /** Air temperature around the heat pump, °C. */
  ambientC?: number;
  /** Cold-water inlet temperature, °C. */
  inletC?: number;
  /** Random hot-water draws while ticking (default true). */
  autoDraws?: boolean;
  /** Whether a recirculation module is fitted (default false, like most units). */
  recirculation?: boolean;
  /** feature.controllerSerialNumber; the REST TOU call needs the same value. */
  controllerSerialNumber?: string;
  /** Simulated epoch ms at start (default 2026-01-15T06:00:00Z, fixed for replayable runs). */
  startTime?: number;
}

/** Set-point limits in half-°C (feature dhwTemperatureMin/Max). */
export const DHW_MIN = 81;
export const DHW_MAX = 131;
/** Freeze-protection limits in half-°C (feature freezeProtectionTempMin/Max). */
export const FREEZE_MIN = 12;
export const FREEZE_MAX = 20;
export const DAY_S = 86_400;
const DEFAULT_START = Date.UTC(2026, 0, 15, 6, 0, 0);

interface Draw {
  lpm: number;
  remainingS: number;
}

export interface HeaterState {
  readonly seed: number;
  readonly random: () => number;
  readonly litres: number;
  readonly volumeCode: number;
  readonly startTime: number;
  readonly autoDraws: boolean;
  readonly recirculation: boolean;
  readonly temperatureType: number;
  readonly controllerSerialNumber: string;

  /** Simulated time, epoch ms. */
  clock: number;
  upperC: number;
  lowerC: number;
  ambientC: number;
  inletC: number;

  setpoint: number;
  mode: number;
  /** Mode to return to after power-on, vacation end or the electric-mode timeout. */
  resumeMode: number;
  modeSince: number;
  /** Vacation length setting; it stays after a vacation ends, as the heater keeps it. */
  vacationDays: number;

  compressor: boolean;
  upperElement: boolean;
  lowerElement: boolean;
  heating: boolean;

  draw: Draw | null;
  drawSinceS: number;
  deliveredLitres: number;

  antiLegionella: boolean;
  antiLegionellaPeriod: number;
  legionellaDueS: number;
  legionellaRunning: boolean;
  freezeProtection: boolean;
  freezeTemp: number;
  tou: boolean;
  dr: boolean;
  intelligent: boolean;
  recircMode: number;
  filterElapsedH: number;
  /** Hours between filter reminders; 0 = reminder off. */
  filterPeriodH: number;
  fanHours: number;

  errorCode: number;
  subErrorCode: number;

  /** Accumulated usage per simulated UTC day (YYYY-MM-DD), for the energy query. */
  readonly history: Map<string, EnergyDay>;
}

/** Small seeded generator (mulberry32): good enough for plausible noise, and replayable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** A heater as it is at start: part-way through a recovery, like the §6.9 sample. */
export function initialState(options: HeaterOptions): HeaterState {
  const seed = options.seed ?? hash(options.mac);
  const random = rng(seed);
  const gallons = options.gallons ?? 65;
  const setpoint = clamp(options.setpoint ?? 120, DHW_MIN, DHW_MAX);
  const mode = options.mode ?? 3;
  const startTime = options.startTime ?? DEFAULT_START;
  const antiLegionellaPeriod = 14;
  // The draws below keep the order of the original model so seeded runs replay unchanged.
  const upperC = setpoint / 2 - 0.5 - random() * 1.5;
  const lowerC = setpoint / 2 - 9 - random() * 4;
  const deliveredLitres = 40_000 + Math.floor(random() * 20_000);
  const legionellaDueS = antiLegionellaPeriod * DAY_S * random();
  return {
    seed,
    random,
    litres: gallons * 3.785,
    volumeCode: gallons === 50 ? 1 : gallons === 80 ? 3 : 2,
    startTime,
    autoDraws: options.autoDraws ?? true,
    recirculation: options.recirculation ?? false,
    temperatureType: options.temperatureType ?? 2,
    controllerSerialNumber: options.controllerSerialNumber ?? `SIM${options.mac.toUpperCase()}`,
    clock: startTime,
    upperC,
    lowerC,
    ambientC: options.ambientC ?? 19,
    inletC: options.inletC ?? 12,
    setpoint,
    mode,
    resumeMode: mode,
    modeSince: startTime,
    vacationDays: 0,
    compressor: false,
    upperElement: false,
    lowerElement: false,
    heating: false,
    draw: null,
    drawSinceS: 0,
    deliveredLitres,
    antiLegionella: true,
    antiLegionellaPeriod,
    legionellaDueS,
    legionellaRunning: false,
    freezeProtection: true,
    freezeTemp: FREEZE_MIN,
    tou: false,
    dr: false,
    intelligent: false,
    recircMode: 0,
    filterElapsedH: 311,
    filterPeriodH: 1000,
    fanHours: 2876,
    errorCode: 0,
    subErrorCode: 0,
    history: new Map(),
  };
}
