/**
 * A pure model of one NWP500 heat-pump water heater: a two-layer tank, a heat pump and two
 * elements, with the controls of NAVIEN-PROTOCOL.md §2.7 and the raw encodings of §3 / §4.
 * No I/O and no wall clock: time only moves through tick(), and randomness comes from a seeded
 * generator, so tests can replay a run exactly.
 */

/** Raw status record (§3.2, every key of the §6.9 sample). */
export type RawStatus = Record<StatusKey, number>;
/** Raw feature record (§4.1 / §6.10). */
export type RawFeature = Record<string, number | string>;

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

export type ControlResult = { ok: true } | { ok: false; reason: string };

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

const KEYS = [
  'command',
  'temperatureType',
  'tempFormulaType',
  'errorCode',
  'subErrorCode',
  'smartDiagnostic',
  'faultStatus1',
  'faultStatus2',
  'specialFunctionStatus',
  'wifiRssi',
  'didReload',
  'currentStatenum',
  'operationMode',
  'dhwOperationSetting',
  'operationBusy',
  'dhwOperationBusy',
  'currentHeatUse',
  'compUse',
  'eevUse',
  'evaFanUse',
  'heatUpperUse',
  'heatLowerUse',
  'dhwUse',
  'dhwUseSustained',
  'dhwChargePer',
  'currentInstPower',
  'totalEnergyCapacity',
  'availableEnergyCapacity',
  'dhwTemperature',
  'dhwTemperature2',
  'dhwTemperatureSetting',
  'dhwTargetTemperatureSetting',
  'heatMinOpTemperature',
  'tankUpperTemperature',
  'tankLowerTemperature',
  'dischargeTemperature',
  'suctionTemperature',
  'evaporatorTemperature',
  'ambientTemperature',
  'targetSuperHeat',
  'currentSuperHeat',
  'outsideTemperature',
  'currentInletTemperature',
  'hpUpperOnTempSetting',
  'hpUpperOffTempSetting',
  'hpLowerOnTempSetting',
  'hpLowerOffTempSetting',
  'heUpperOnTempSetting',
  'heUpperOffTempSetting',
  'heLowerOnTempSetting',
  'heLowerOffTempSetting',
  'hpUpperOnDiffTempSetting',
  'hpUpperOffDiffTempSetting',
  'hpLowerOnDiffTempSetting',
  'hpLowerOffDiffTempSetting',
  'heUpperOnDiffTempSetting',
  'heUpperOffDiffTempSetting',
  'heLowerOnTDiffempSetting',
  'heLowerOffDiffTempSetting',
  'currentDhwFlowRate',
  'cumulatedDhwFlowRate',
  'mixingRate',
  'targetFanRpm',
  'currentFanRpm',
  'fanPwm',
  'eevStep',
  'freezeProtectionUse',
  'freezeProtectionTemperature',
  'freezeProtectionTempMin',
  'freezeProtectionTempMax',
  'antiLegionellaUse',
  'antiLegionellaPeriod',
  'antiLegionellaOperationBusy',
  'programReservationUse',
  'programReservationType',
  'vacationDaySetting',
  'vacationDayElapsed',
  'touStatus',
  'touOverrideStatus',
  'drEventStatus',
  'drOverrideStatus',
  'airFilterAlarmUse',
  'airFilterAlarmPeriod',
  'airFilterAlarmElapsed',
  'cumulatedOpTimeEvaFan',
  'ecoUse',
  'scaldUse',
  'shutOffValveUse',
  'conOvrSensorUse',
  'wtrOvrSensorUse',
  'errorBuzzerUse',
  'recircOperationMode',
  'recircOperationBusy',
  'recircReservationUse',
  'recircPumpOperationStatus',
  'recircHotBtnReady',
  'recircOperationReason',
  'recircErrorStatus',
  'recircTempSetting',
  'recircTemperature',
  'recircFaucetTemperature',
  'recircDhwFlowRate',
] as const;

export type StatusKey = (typeof KEYS)[number];
/** Every key of a status record, in the order of the §6.9 sample. */
export const STATUS_KEYS: readonly StatusKey[] = KEYS;

/** §2.7: control mode string → command code. */
export const CONTROL_COMMANDS: Readonly<Record<string, number>> = {
  'power-off': 33554433,
  'power-on': 33554434,
  'dhw-mode': 33554437,
  'recirc-hotbtn': 33554444,
  'recirc-mode': 33554445,
  'frez-temp': 33554451,
  'dhw-temperature': 33554464,
  'intelligent-off': 33554467,
  'intelligent-on': 33554468,
  'dr-off': 33554469,
  'dr-on': 33554470,
  'anti-leg-off': 33554471,
  'anti-leg-on': 33554472,
  'air-filter-reset': 33554473,
  'tou-off': 33554475,
  'tou-on': 33554476,
};

/** Set-point limits in half-°C (feature dhwTemperatureMin/Max). */
export const DHW_MIN = 81;
export const DHW_MAX = 131;
const FREEZE_MIN = 12;
const FREEZE_MAX = 20;

/** Specific heat of water, Wh per kg per K. */
const WATER_WH_PER_KG_K = 4.186 / 3.6;
/** Reference temperature of the energy counts: feature dhwTemperatureMin (40.5 °C). */
const ENERGY_REF_C = DHW_MIN / 2;
const HP_ELECTRIC_W = 450;
const HP_THERMAL_W = 1300;
const ELEMENT_W = 5000;
/** Tank standby loss per layer, W per K above ambient. */
const LOSS_W_PER_K = 0.8;
/** Conduction between the layers, W per K. */
const LAYER_W_PER_K = 2;
/** Simulation sub-step so a draw never replaces more than a fraction of a layer at once. */
const MAX_STEP_S = 10;
const DAY_S = 86_400;
const ELECTRIC_REVERT_S = 72 * 3600;
const LEGIONELLA_TARGET_C = 65;
const DEFAULT_START = Date.UTC(2026, 0, 15, 6, 0, 0);

/** Small seeded generator (mulberry32): good enough for plausible noise, and replayable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const b = (on: boolean): number => (on ? 2 : 1);
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const dayKey = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

interface Draw {
  lpm: number;
  remainingS: number;
}

export class Heater {
  readonly mac: string;
  readonly additionalValue: string;
  readonly deviceName: string;
  readonly controllerSerialNumber: string;
  /** Offline heaters are listed with connected = 1 and never answer over MQTT. */
  connected = true;

  private readonly random: () => number;
  private readonly seed: number;
  private readonly litres: number;
  private readonly volumeCode: number;
  private readonly startTime: number;
  private readonly autoDraws: boolean;
  private readonly recirculation: boolean;
  private readonly temperatureType: number;

  /** Simulated time, epoch ms. */
  private clock: number;
  private upperC: number;
  private lowerC: number;
  private ambientC: number;
  private inletC: number;

  private setpoint: number;
  private mode: number;
  /** Mode to return to after power-on, vacation end or the electric-mode timeout. */
  private resumeMode: number;
  private modeSince: number;
  private vacationDays = 0;

  private compressor = false;
  private upperElement = false;
  private lowerElement = false;
  private heating = false;

  private draw: Draw | null = null;
  private drawSinceS = 0;
  private deliveredLitres: number;

  private antiLegionella = true;
  private antiLegionellaPeriod = 14;
  private legionellaDueS: number;
  private legionellaRunning = false;
  private freezeProtection = true;
  private freezeTemp = FREEZE_MIN;
  private tou = false;
  private dr = false;
  private intelligent = false;
  private recircMode = 0;
  private filterElapsedH = 311;
  private fanHours = 2876;

  private errorCode = 0;
  private subErrorCode = 0;

  /** Accumulated usage per simulated UTC day (YYYY-MM-DD), for the energy query. */
  private readonly history = new Map<string, EnergyDay>();

  constructor(options: HeaterOptions) {
    this.mac = options.mac;
    this.additionalValue = options.additionalValue ?? '7781';
    this.deviceName = options.deviceName ?? 'Simulated NWP500';
    this.controllerSerialNumber =
      options.controllerSerialNumber ?? `SIM${options.mac.toUpperCase()}`;
    this.seed = options.seed ?? hash(options.mac);
    this.random = rng(this.seed);
    const gallons = options.gallons ?? 65;
    this.volumeCode = gallons === 50 ? 1 : gallons === 80 ? 3 : 2;
    this.litres = gallons * 3.785;
    this.startTime = options.startTime ?? DEFAULT_START;
    this.clock = this.startTime;
    this.autoDraws = options.autoDraws ?? true;
    this.recirculation = options.recirculation ?? false;
    this.temperatureType = options.temperatureType ?? 2;
    this.ambientC = options.ambientC ?? 19;
    this.inletC = options.inletC ?? 12;
    this.setpoint = clamp(options.setpoint ?? 120, DHW_MIN, DHW_MAX);
    this.mode = options.mode ?? 3;
    this.resumeMode = this.mode;
    this.modeSince = this.clock;
    // Start part-way through a recovery, like the §6.9 sample.
    this.upperC = this.setpoint / 2 - 0.5 - this.random() * 1.5;
    this.lowerC = this.setpoint / 2 - 9 - this.random() * 4;
    this.deliveredLitres = 40_000 + Math.floor(this.random() * 20_000);
    this.legionellaDueS = this.antiLegionellaPeriod * DAY_S * this.random();
    this.control();
  }

  // ---- inputs ----------------------------------------------------------------------------

  /** Starts a hot-water draw (replacing any running one). */
  startDraw(lpm: number, seconds: number): void {
    this.draw = lpm > 0 && seconds > 0 ? { lpm, remainingS: seconds } : null;
    this.drawSinceS = 0;
  }

  stopDraw(): void {
    this.draw = null;
  }

  setAmbient(celsius: number): void {
    this.ambientC = celsius;
  }

  /** Shows an error code (§3.4); 799 also trips the leak sensor, 990 the condensate one. */
  injectError(code: number, sub = 0): void {
    this.errorCode = code;
    this.subErrorCode = sub;
    this.control();
  }

  clearError(): void {
    this.errorCode = 0;
    this.subErrorCode = 0;
    this.control();
  }

  /** Advances the model by dtSec simulated seconds. */
  tick(dtSec: number): void {
    let left = Math.max(0, dtSec);
    while (left > 0) {
      const step = Math.min(MAX_STEP_S, left);
      this.step(step);
      left -= step;
    }
  }

  /** Applies a §2.7 mode command; `command` may be 0 when only the mode string is known. */
  applyControl(command: number, mode: string, param: readonly number[] = []): ControlResult {
    const code = CONTROL_COMMANDS[mode];
    if (code === undefined) return { ok: false, reason: `unsupported control mode "${mode}"` };
    if (command !== 0 && command !== code)
      return { ok: false, reason: `command ${command} does not match mode "${mode}"` };
    const p0 = param[0];
    const off = this.mode === 6;
    switch (mode) {
      case 'power-off':
        if (!off) {
          this.resumeMode = this.mode === 5 ? this.resumeMode : this.mode;
          this.setMode(6);
        }
        break;
      case 'power-on':
        if (off) this.setMode(this.resumeMode);
        break;
      case 'dhw-mode': {
        if (p0 === undefined || !Number.isInteger(p0) || p0 < 1 || p0 > 5)
          return { ok: false, reason: 'dhw-mode needs a mode 1–5' };
        if (p0 === 5) {
          const days = param[1];
          if (days === undefined || !Number.isInteger(days) || days < 1 || days > 30)
            return { ok: false, reason: 'vacation needs 1–30 days' };
          if (this.mode !== 5 && this.mode !== 6) this.resumeMode = this.mode;
          this.vacationDays = days;
        } else {
          this.resumeMode = p0;
          this.vacationDays = 0;
        }
        this.setMode(p0);
        break;
      }
      case 'dhw-temperature':
        if (p0 === undefined || !Number.isInteger(p0) || p0 < DHW_MIN || p0 > DHW_MAX)
          return { ok: false, reason: `temperature must be ${DHW_MIN}–${DHW_MAX} half-°C` };
        this.setpoint = p0;
        break;
      case 'frez-temp':
        if (p0 === undefined || !Number.isInteger(p0) || p0 < FREEZE_MIN || p0 > FREEZE_MAX)
          return { ok: false, reason: `freeze temperature must be ${FREEZE_MIN}–${FREEZE_MAX}` };
        this.freezeTemp = p0;
        break;
      case 'anti-leg-on':
        if (p0 !== undefined && (!Number.isInteger(p0) || p0 < 1 || p0 > 30))
          return { ok: false, reason: 'anti-legionella period must be 1–30 days' };
        this.antiLegionella = true;
        if (p0 !== undefined) this.antiLegionellaPeriod = p0;
        this.legionellaDueS = this.antiLegionellaPeriod * DAY_S;
        break;
      case 'anti-leg-off':
        this.antiLegionella = false;
        this.legionellaRunning = false;
        break;
      case 'tou-on':
      case 'tou-off':
        this.tou = mode === 'tou-on';
        break;
      case 'dr-on':
      case 'dr-off':
        this.dr = mode === 'dr-on';
        break;
      case 'intelligent-on':
      case 'intelligent-off':
        this.intelligent = mode === 'intelligent-on';
        break;
      case 'air-filter-reset':
        this.filterElapsedH = 0;
        break;
      case 'recirc-mode':
        if (!this.recirculation) return { ok: false, reason: 'no recirculation module fitted' };
        if (p0 === undefined || !Number.isInteger(p0) || p0 < 1 || p0 > 4)
          return { ok: false, reason: 'recirc-mode needs 1–4' };
        this.recircMode = p0;
        break;
      case 'recirc-hotbtn':
        if (!this.recirculation) return { ok: false, reason: 'no recirculation module fitted' };
        break;
    }
    this.control();
    return { ok: true };
  }

  // ---- outputs ---------------------------------------------------------------------------

  /** Simulated epoch ms. */
  get time(): number {
    return this.clock;
  }

  get dhwOperationSetting(): number {
    return this.mode;
  }

  /** Tank sensor temperatures in °C (upper, lower). */
  get tankC(): { upper: number; lower: number } {
    return { upper: this.upperC, lower: this.lowerC };
  }

  /** Intelligent (learning) reservation mode; the status record has no key for it. */
  get intelligentMode(): boolean {
    return this.intelligent;
  }

  status(): RawStatus {
    const sp = this.setpoint;
    const comp = this.compressor;
    const elements = this.upperElement || this.lowerElement;
    const heatUse = comp && elements ? 3 : elements ? 2 : comp ? 1 : 0;
    const opMode = !this.heating ? 0 : !elements ? 32 : this.mode === 3 ? 64 : 96;
    const total = this.totalCount();
    const available = this.deficitCount();
    const charge = total > 0 ? clamp(Math.round((100 * (total - available)) / total), 0, 100) : 0;
    const flow = this.draw ? Math.round(this.draw.lpm * 10) : 0;
    const amb = this.ambientC;
    const jitter = (span: number): number => Math.round((this.random() - 0.5) * span);
    const power = comp ? HP_ELECTRIC_W - 40 + Math.round(this.lowerC) + jitter(10) : 0;
    const leak = this.errorCode === 799;
    return {
      command: 67108883,
      temperatureType: this.temperatureType,
      tempFormulaType: 1,
      errorCode: this.errorCode,
      subErrorCode: this.subErrorCode,
      smartDiagnostic: 0,
      faultStatus1: 0,
      faultStatus2: 0,
      specialFunctionStatus: 0,
      wifiRssi: -55 - Math.round(this.random() * 8),
      didReload: 1,
      currentStatenum: this.heating ? 6 : 2,
      operationMode: opMode,
      dhwOperationSetting: this.mode,
      operationBusy: b(this.heating),
      dhwOperationBusy: b(this.heating),
      currentHeatUse: heatUse,
      compUse: b(comp),
      eevUse: b(comp),
      evaFanUse: b(comp),
      heatUpperUse: b(this.upperElement),
      heatLowerUse: b(this.lowerElement),
      dhwUse: b(this.draw !== null),
      dhwUseSustained: b(this.draw !== null && this.drawSinceS > 120),
      dhwChargePer: charge,
      currentInstPower: power,
      totalEnergyCapacity: total,
      availableEnergyCapacity: available,
      dhwTemperature: Math.round(this.upperC * 2),
      dhwTemperature2: Math.round(this.upperC * 2),
      dhwTemperatureSetting: sp,
      dhwTargetTemperatureSetting: sp,
      heatMinOpTemperature: DHW_MIN,
      tankUpperTemperature: Math.round(this.upperC * 10),
      tankLowerTemperature: Math.round(this.lowerC * 10),
      dischargeTemperature: Math.round((comp ? this.lowerC + 17 : amb) * 10),
      suctionTemperature: Math.round((comp ? amb - 5 : amb) * 10),
      evaporatorTemperature: Math.round((comp ? amb - 7 : amb) * 10),
      ambientTemperature: Math.round(amb * 10),
      targetSuperHeat: comp ? 30 : 0,
      currentSuperHeat: comp ? 26 + jitter(8) : 0,
      outsideTemperature: 0,
      currentInletTemperature: 0,
      hpUpperOnTempSetting: sp - 10,
      hpUpperOffTempSetting: sp,
      hpLowerOnTempSetting: sp - 14,
      hpLowerOffTempSetting: sp,
      heUpperOnTempSetting: sp - 16,
      heUpperOffTempSetting: sp - 4,
      heLowerOnTempSetting: sp - 20,
      heLowerOffTempSetting: sp - 4,
      hpUpperOnDiffTempSetting: 50,
      hpUpperOffDiffTempSetting: 0,
      hpLowerOnDiffTempSetting: 70,
      hpLowerOffDiffTempSetting: 0,
      heUpperOnDiffTempSetting: 80,
      heUpperOffDiffTempSetting: 20,
      heLowerOnTDiffempSetting: 100,
      heLowerOffDiffTempSetting: 20,
      currentDhwFlowRate: flow,
      cumulatedDhwFlowRate: Math.floor(this.deliveredLitres),
      mixingRate: 0,
      targetFanRpm: comp ? 780 : 0,
      currentFanRpm: comp ? 772 + jitter(16) : 0,
      fanPwm: comp ? 41 : 0,
      eevStep: comp ? 212 + jitter(10) : 0,
      freezeProtectionUse: b(this.freezeProtection),
      freezeProtectionTemperature: this.freezeTemp,
      freezeProtectionTempMin: FREEZE_MIN,
      freezeProtectionTempMax: FREEZE_MAX,
      antiLegionellaUse: b(this.antiLegionella),
      antiLegionellaPeriod: this.antiLegionellaPeriod,
      antiLegionellaOperationBusy: b(this.legionellaRunning),
      programReservationUse: b(this.tou),
      programReservationType: 0,
      vacationDaySetting: this.mode === 5 ? this.vacationDays : 0,
      vacationDayElapsed:
        this.mode === 5 ? Math.floor((this.clock - this.modeSince) / 1000 / DAY_S) : 0,
      touStatus: this.tou ? 1 : 0,
      touOverrideStatus: 2,
      drEventStatus: this.dr ? 1 : 0,
      drOverrideStatus: 0,
      airFilterAlarmUse: 2,
      airFilterAlarmPeriod: 1000,
      airFilterAlarmElapsed: Math.floor(this.filterElapsedH),
      cumulatedOpTimeEvaFan: Math.floor(this.fanHours),
      ecoUse: b(this.upperC >= 82),
      scaldUse: b(this.upperC >= 60),
      shutOffValveUse: 2,
      conOvrSensorUse: b(this.errorCode === 990),
      wtrOvrSensorUse: b(leak),
      errorBuzzerUse: 2,
      recircOperationMode: this.recirculation ? this.recircMode : 0,
      recircOperationBusy: 1,
      recircReservationUse: this.recirculation ? 1 : 0,
      recircPumpOperationStatus: 0,
      recircHotBtnReady: this.recirculation ? 2 : 0,
      recircOperationReason: 0,
      recircErrorStatus: 0,
      recircTempSetting: 0,
      recircTemperature: 0,
      recircFaucetTemperature: 0,
      recircDhwFlowRate: 0,
    };
  }

  feature(): RawFeature {
    const recirc = b(this.recirculation);
    return {
      countryCode: 3,
      modelTypeCode: 513,
      controlTypeCode: 101,
      volumeCode: this.volumeCode,
      controllerSwVersion: 201457920,
      panelSwVersion: 33816576,
      wifiSwVersion: 50790400,
      controllerSwCode: 7,
      panelSwCode: 3,
      wifiSwCode: 12,
      recircSwVersion: this.recirculation ? 16842752 : 0,
      recircModelTypeCode: this.recirculation ? 1 : 0,
      controllerSerialNumber: this.controllerSerialNumber,
      temperatureType: this.temperatureType,
      tempFormulaType: 1,
      dhwTemperatureSettingUse: 2,
      dhwTemperatureMin: DHW_MIN,
      dhwTemperatureMax: DHW_MAX,
      freezeProtectionTempMin: FREEZE_MIN,
      freezeProtectionTempMax: FREEZE_MAX,
      recircTemperatureMin: this.recirculation ? 70 : 0,
      recircTemperatureMax: this.recirculation ? 120 : 0,
      powerUse: 2,
      holidayUse: 2,
      programReservationUse: 2,
      dhwUse: 2,
      smartDiagnosticUse: 2,
      wifiRssiUse: 2,
      energyUsageUse: 2,
      freezeProtectionUse: 2,
      mixingValveUse: 1,
      drSettingUse: 2,
      antiLegionellaSettingUse: 2,
      hpwhUse: 2,
      dhwRefillUse: 2,
      ecoUse: 2,
      electricUse: 2,
      heatpumpUse: 2,
      energySaverUse: 2,
      highDemandUse: 2,
      recirculationUse: recirc,
      recircReservationUse: recirc,
      title24Use: 1,
    };
  }

  /**
   * Daily usage for the given months (§4.5). Days before the heater started get a plausible,
   * seed-derived history so charts are not empty; days after "now" are zero.
   */
  energyUsage(year: number, months: readonly number[]): EnergyAnswer {
    const total: EnergyDay = { hpUsage: 0, heUsage: 0, hpTime: 0, heTime: 0 };
    const usage = months
      .filter((m) => Number.isInteger(m) && m >= 1 && m <= 12)
      .map((month) => {
        const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
        const data: EnergyDay[] = [];
        for (let d = 1; d <= days; d++) {
          const day = this.dayUsage(Date.UTC(year, month - 1, d));
          data.push(day);
          total.hpUsage += day.hpUsage;
          total.heUsage += day.heUsage;
          total.hpTime += day.hpTime;
          total.heTime += day.heTime;
        }
        return { year, month, data };
      });
    return { typeOfUsage: 1, total, usage };
  }

  // ---- physics ---------------------------------------------------------------------------

  private step(dt: number): void {
    this.clock += dt * 1000;
    this.updateModeTimers();
    this.updateLegionella(dt);
    this.control();

    const layerKg = this.litres / 2;
    const capWhPerK = layerKg * WATER_WH_PER_KG_K;
    let upperWh = 0;
    let lowerWh = 0;
    // Condenser coil wraps the lower half; most of its heat lands there.
    if (this.compressor) {
      const upperShare = this.upperC < this.setpoint / 2 ? 0.3 : 0;
      lowerWh += (HP_THERMAL_W * (1 - upperShare) * dt) / 3600;
      upperWh += (HP_THERMAL_W * upperShare * dt) / 3600;
    }
    if (this.upperElement) upperWh += (ELEMENT_W * dt) / 3600;
    if (this.lowerElement) lowerWh += (ELEMENT_W * dt) / 3600;
    upperWh -= (LOSS_W_PER_K * (this.upperC - this.ambientC) * dt) / 3600;
    lowerWh -= (LOSS_W_PER_K * (this.lowerC - this.ambientC) * dt) / 3600;
    const conduction = (LAYER_W_PER_K * (this.upperC - this.lowerC) * dt) / 3600;
    upperWh -= conduction;
    lowerWh += conduction;
    this.upperC += upperWh / capWhPerK;
    this.lowerC += lowerWh / capWhPerK;

    if (this.draw) {
      // Plug flow: cold water enters below, lower water rises, hot water leaves at the top.
      const litres = (this.draw.lpm * dt) / 60;
      const f = Math.min(1, litres / layerKg);
      this.upperC += f * (this.lowerC - this.upperC);
      this.lowerC += f * (this.inletC - this.lowerC);
      this.deliveredLitres += litres;
    }
    // Buoyancy: warmer water below mixes upward at once.
    if (this.lowerC > this.upperC) {
      const mean = (this.lowerC + this.upperC) / 2;
      this.upperC = mean;
      this.lowerC = mean;
    }
    this.account(dt);
    this.updateDraw(dt);
  }

  private updateModeTimers(): void {
    const since = (this.clock - this.modeSince) / 1000;
    if (this.mode === 5 && since >= this.vacationDays * DAY_S) {
      this.vacationDays = 0;
      this.setMode(this.resumeMode);
    } else if (this.mode === 2 && since >= ELECTRIC_REVERT_S) {
      // The unit leaves electric mode on its own after 72 h (§3.3).
      this.resumeMode = 3;
      this.setMode(3);
    }
  }

  private updateDraw(dt: number): void {
    if (this.draw) {
      this.drawSinceS += dt;
      this.draw.remainingS -= dt;
      if (this.draw.remainingS <= 0) this.draw = null;
    } else if (this.autoDraws && this.mode !== 5 && this.random() < dt / 2700) {
      // On average one draw per 45 minutes: a sink, a shower or a bath fill.
      const kind = this.random();
      const lpm = kind < 0.5 ? 4 + this.random() * 2 : kind < 0.9 ? 7 + this.random() * 3 : 12;
      const seconds =
        kind < 0.5 ? 30 + this.random() * 90 : kind < 0.9 ? 300 + this.random() * 300 : 480;
      this.startDraw(Math.round(lpm * 10) / 10, Math.round(seconds));
    }
  }

  private updateLegionella(dt: number): void {
    if (!this.antiLegionella || this.mode === 6) return;
    if (this.legionellaRunning) {
      if (this.upperC >= LEGIONELLA_TARGET_C) {
        this.legionellaRunning = false;
        this.legionellaDueS = this.antiLegionellaPeriod * DAY_S;
      }
      return;
    }
    this.legionellaDueS -= dt;
    if (this.legionellaDueS <= 0) this.legionellaRunning = true;
  }

  /** Decides which heat sources run, from the mode, the set-point and the sensors. */
  private control(): void {
    const target = this.setpoint / 2;
    const upper = this.upperC;
    const lower = this.lowerC;
    const compressorFault = this.errorCode >= 901 && this.errorCode <= 940;
    let comp = false;
    let upperEl = false;
    let lowerEl = false;

    if (this.mode === 6) {
      // Powered off: nothing runs, freeze protection included.
    } else if (this.mode === 5) {
      const freeze = this.freezeTemp / 2;
      this.heating = this.freezeProtection && lower < freeze + (this.heating ? 2 : 0);
      lowerEl = this.heating;
    } else if (this.legionellaRunning) {
      this.heating = true;
      upperEl = true;
    } else {
      const start = upper < target - 5 || lower < target - 7;
      const done = upper >= target && lower >= target - 0.5;
      this.heating = this.heating ? !done : start;
      if (this.heating) {
        const hpAllowed = this.mode !== 2 && !compressorFault;
        comp = hpAllowed;
        if (!hpAllowed) {
          upperEl = upper < target;
          lowerEl = !upperEl;
        } else if (this.mode === 3 || this.mode === 4) {
          // Hybrid modes add the upper element when hot water is running short.
          const assist = this.mode === 4 ? 4 : 8;
          const wasOn = this.upperElement;
          upperEl = wasOn ? upper < target - 2 : upper < target - assist;
        }
      }
      if (!this.heating && this.freezeProtection && lower < this.freezeTemp / 2) {
        this.heating = true;
        lowerEl = true;
      }
    }
    this.compressor = comp;
    // The elements share one circuit: the upper one has priority.
    this.upperElement = upperEl;
    this.lowerElement = lowerEl && !upperEl;
  }

  private account(dt: number): void {
    const key = dayKey(this.clock);
    const day = this.history.get(key) ?? { hpUsage: 0, heUsage: 0, hpTime: 0, heTime: 0 };
    const hours = dt / 3600;
    if (this.compressor) {
      day.hpUsage += HP_ELECTRIC_W * hours;
      day.hpTime += hours;
      this.fanHours += hours;
      this.filterElapsedH += hours;
    }
    if (this.upperElement || this.lowerElement) {
      day.heUsage += ELEMENT_W * hours;
      day.heTime += hours;
    }
    this.history.set(key, day);
  }

  private dayUsage(dayStart: number): EnergyDay {
    const round = (d: EnergyDay): EnergyDay => ({
      hpUsage: Math.round(d.hpUsage),
      heUsage: Math.round(d.heUsage),
      hpTime: Math.round(d.hpTime),
      heTime: Math.round(d.heTime),
    });
    const recorded = this.history.get(dayKey(dayStart));
    if (recorded) return round(recorded);
    // Only whole days before the start get an invented history.
    const firstDay = Date.parse(dayKey(this.startTime));
    if (dayStart >= firstDay || dayStart < firstDay - 400 * DAY_S * 1000)
      return { hpUsage: 0, heUsage: 0, hpTime: 0, heTime: 0 };
    const r = rng(this.seed ^ hash(dayKey(dayStart)));
    const hpTime = 5 + r() * 5;
    const boost = r() < 0.12;
    const heTime = boost ? 0.3 + r() * 1.2 : 0;
    return round({
      hpUsage: hpTime * (HP_ELECTRIC_W - 20 + r() * 40),
      heUsage: heTime * ELEMENT_W,
      hpTime,
      heTime,
    });
  }

  private setMode(mode: number): void {
    this.mode = mode;
    this.modeSince = this.clock;
    if (mode === 6) {
      this.heating = false;
      this.legionellaRunning = false;
    }
  }

  /** Energy to heat the whole tank from the 40.5 °C reference to the set-point, in 4 Wh counts. */
  private totalCount(): number {
    const wh = this.litres * WATER_WH_PER_KG_K * Math.max(0, this.setpoint / 2 - ENERGY_REF_C);
    return Math.round(wh / 4);
  }

  /** Energy still needed to bring both layers to the set-point, in 4 Wh counts. */
  private deficitCount(): number {
    const target = this.setpoint / 2;
    const perK = (this.litres / 2) * WATER_WH_PER_KG_K;
    const wh = perK * (Math.max(0, target - this.upperC) + Math.max(0, target - this.lowerC));
    return Math.round(wh / 4);
  }
}
