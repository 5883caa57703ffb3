/**
 * The physics of the simulated heater: a two-layer tank heated by a heat pump and two elements,
 * standby losses, hot-water draws, the mode timers and anti-legionella cycles, and the daily
 * energy book-keeping. Time only moves through advance(); randomness comes from the state's
 * seeded generator.
 */
import {
  DAY_S,
  DHW_MIN,
  hash,
  rng,
  type EnergyAnswer,
  type EnergyDay,
  type HeaterState,
} from './heater-state';

/** Specific heat of water, Wh per kg per K. */
export const WATER_WH_PER_KG_K = 4.186 / 3.6;
/** Reference temperature of the energy counts: feature dhwTemperatureMin (40.5 °C). */
const ENERGY_REF_C = DHW_MIN / 2;
export const HP_ELECTRIC_W = 450;
const HP_THERMAL_W = 1300;
const ELEMENT_W = 5000;
/** Tank standby loss per layer, W per K above ambient. */
const LOSS_W_PER_K = 0.8;
/** Conduction between the layers, W per K. */
const LAYER_W_PER_K = 2;
/** Simulation sub-step so a draw never replaces more than a fraction of a layer at once. */
const MAX_STEP_S = 10;
const ELECTRIC_REVERT_S = 72 * 3600;
const LEGIONELLA_TARGET_C = 65;

const dayKey = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Advances the model by dtSec simulated seconds, in sub-steps. */
export function advance(s: HeaterState, dtSec: number): void {
  let left = Math.max(0, dtSec);
  while (left > 0) {
    const dt = Math.min(MAX_STEP_S, left);
    step(s, dt);
    left -= dt;
  }
}

/** Starts a hot-water draw (replacing any running one). */
export function startDraw(s: HeaterState, lpm: number, seconds: number): void {
  s.draw = lpm > 0 && seconds > 0 ? { lpm, remainingS: seconds } : null;
  s.drawSinceS = 0;
}

export function setMode(s: HeaterState, mode: number): void {
  s.mode = mode;
  s.modeSince = s.clock;
  if (mode === 6) {
    s.heating = false;
    s.legionellaRunning = false;
  }
}

function step(s: HeaterState, dt: number): void {
  s.clock += dt * 1000;
  updateModeTimers(s);
  updateLegionella(s, dt);
  decideHeating(s);

  const layerKg = s.litres / 2;
  const capWhPerK = layerKg * WATER_WH_PER_KG_K;
  let upperWh = 0;
  let lowerWh = 0;
  // Condenser coil wraps the lower half; most of its heat lands there.
  if (s.compressor) {
    const upperShare = s.upperC < s.setpoint / 2 ? 0.3 : 0;
    lowerWh += (HP_THERMAL_W * (1 - upperShare) * dt) / 3600;
    upperWh += (HP_THERMAL_W * upperShare * dt) / 3600;
  }
  if (s.upperElement) upperWh += (ELEMENT_W * dt) / 3600;
  if (s.lowerElement) lowerWh += (ELEMENT_W * dt) / 3600;
  upperWh -= (LOSS_W_PER_K * (s.upperC - s.ambientC) * dt) / 3600;
  lowerWh -= (LOSS_W_PER_K * (s.lowerC - s.ambientC) * dt) / 3600;
  const conduction = (LAYER_W_PER_K * (s.upperC - s.lowerC) * dt) / 3600;
  upperWh -= conduction;
  lowerWh += conduction;
  s.upperC += upperWh / capWhPerK;
  s.lowerC += lowerWh / capWhPerK;

  if (s.draw) {
    // Plug flow: cold water enters below, lower water rises, hot water leaves at the top.
    const litres = (s.draw.lpm * dt) / 60;
    const f = Math.min(1, litres / layerKg);
    s.upperC += f * (s.lowerC - s.upperC);
    s.lowerC += f * (s.inletC - s.lowerC);
    s.deliveredLitres += litres;
  }
  // Buoyancy: warmer water below mixes upward at once.
  if (s.lowerC > s.upperC) {
    const mean = (s.lowerC + s.upperC) / 2;
    s.upperC = mean;
    s.lowerC = mean;
  }
  account(s, dt);
  updateDraw(s, dt);
}

function updateModeTimers(s: HeaterState): void {
  const since = (s.clock - s.modeSince) / 1000;
  if (s.mode === 5 && since >= s.vacationDays * DAY_S) {
    setMode(s, s.resumeMode);
  } else if (s.mode === 2 && since >= ELECTRIC_REVERT_S) {
    // The unit leaves electric mode on its own after 72 h (§3.3).
    s.resumeMode = 3;
    setMode(s, 3);
  }
}

function updateDraw(s: HeaterState, dt: number): void {
  if (s.draw) {
    s.drawSinceS += dt;
    s.draw.remainingS -= dt;
    if (s.draw.remainingS <= 0) s.draw = null;
  } else if (s.autoDraws && s.mode !== 5 && s.random() < dt / 2700) {
    // On average one draw per 45 minutes: a sink, a shower or a bath fill.
    const kind = s.random();
    const lpm = kind < 0.5 ? 4 + s.random() * 2 : kind < 0.9 ? 7 + s.random() * 3 : 12;
    const seconds = kind < 0.5 ? 30 + s.random() * 90 : kind < 0.9 ? 300 + s.random() * 300 : 480;
    startDraw(s, Math.round(lpm * 10) / 10, Math.round(seconds));
  }
}

function updateLegionella(s: HeaterState, dt: number): void {
  if (!s.antiLegionella || s.mode === 6) return;
  if (s.legionellaRunning) {
    if (s.upperC >= LEGIONELLA_TARGET_C) {
      s.legionellaRunning = false;
      s.legionellaDueS = s.antiLegionellaPeriod * DAY_S;
    }
    return;
  }
  s.legionellaDueS -= dt;
  if (s.legionellaDueS <= 0) s.legionellaRunning = true;
}

/** Decides which heat sources run, from the mode, the set-point and the sensors. */
export function decideHeating(s: HeaterState): void {
  const target = s.setpoint / 2;
  const upper = s.upperC;
  const lower = s.lowerC;
  const compressorFault = s.errorCode >= 901 && s.errorCode <= 940;
  let comp = false;
  let upperEl = false;
  let lowerEl = false;

  if (s.mode === 6) {
    // Powered off: nothing runs, freeze protection included.
  } else if (s.mode === 5) {
    const freeze = s.freezeTemp / 2;
    s.heating = s.freezeProtection && lower < freeze + (s.heating ? 2 : 0);
    lowerEl = s.heating;
  } else if (s.legionellaRunning) {
    s.heating = true;
    upperEl = true;
  } else {
    const start = upper < target - 5 || lower < target - 7;
    const done = upper >= target && lower >= target - 0.5;
    s.heating = s.heating ? !done : start;
    if (s.heating) {
      const hpAllowed = s.mode !== 2 && !compressorFault;
      comp = hpAllowed;
      if (!hpAllowed) {
        upperEl = upper < target;
        lowerEl = !upperEl;
      } else if (s.mode === 3 || s.mode === 4) {
        // Hybrid modes add the upper element when hot water is running short.
        const assist = s.mode === 4 ? 4 : 8;
        const wasOn = s.upperElement;
        upperEl = wasOn ? upper < target - 2 : upper < target - assist;
      }
    }
    if (!s.heating && s.freezeProtection && lower < s.freezeTemp / 2) {
      s.heating = true;
      lowerEl = true;
    }
  }
  s.compressor = comp;
  // The elements share one circuit: the upper one has priority.
  s.upperElement = upperEl;
  s.lowerElement = lowerEl && !upperEl;
}

function account(s: HeaterState, dt: number): void {
  const key = dayKey(s.clock);
  const day = s.history.get(key) ?? { hpUsage: 0, heUsage: 0, hpTime: 0, heTime: 0 };
  const hours = dt / 3600;
  if (s.compressor) {
    day.hpUsage += HP_ELECTRIC_W * hours;
    day.hpTime += hours;
    s.fanHours += hours;
    s.filterElapsedH += hours;
  }
  if (s.upperElement || s.lowerElement) {
    day.heUsage += ELEMENT_W * hours;
    day.heTime += hours;
  }
  s.history.set(key, day);
}

/**
 * Daily usage for the given months (§4.5). Days before the heater started get a plausible,
 * seed-derived history so charts are not empty; days after "now" are zero.
 */
export function energyUsage(s: HeaterState, year: number, months: readonly number[]): EnergyAnswer {
  const total: EnergyDay = { hpUsage: 0, heUsage: 0, hpTime: 0, heTime: 0 };
  const usage = months
    .filter((m) => Number.isInteger(m) && m >= 1 && m <= 12)
    .map((month) => {
      const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
      const data: EnergyDay[] = [];
      for (let d = 1; d <= days; d++) {
        const day = dayUsage(s, Date.UTC(year, month - 1, d));
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

function dayUsage(s: HeaterState, dayStart: number): EnergyDay {
  const round = (d: EnergyDay): EnergyDay => ({
    hpUsage: Math.round(d.hpUsage),
    heUsage: Math.round(d.heUsage),
    hpTime: Math.round(d.hpTime),
    heTime: Math.round(d.heTime),
  });
  const recorded = s.history.get(dayKey(dayStart));
  if (recorded) return round(recorded);
  // Only whole days before the start get an invented history.
  const firstDay = Date.parse(dayKey(s.startTime));
  if (dayStart >= firstDay || dayStart < firstDay - 400 * DAY_S * 1000)
    return { hpUsage: 0, heUsage: 0, hpTime: 0, heTime: 0 };
  const r = rng(s.seed ^ hash(dayKey(dayStart)));
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

/** Energy to heat the whole tank from the 40.5 °C reference to the set-point, in 4 Wh counts. */
export function totalCount(s: HeaterState): number {
  const wh = s.litres * WATER_WH_PER_KG_K * Math.max(0, s.setpoint / 2 - ENERGY_REF_C);
  return Math.round(wh / 4);
}

/** Energy still needed to bring both layers to the set-point, in 4 Wh counts. */
export function deficitCount(s: HeaterState): number {
  const target = s.setpoint / 2;
  const perK = (s.litres / 2) * WATER_WH_PER_KG_K;
  const wh = perK * (Math.max(0, target - s.upperC) + Math.max(0, target - s.lowerC));
  return Math.round(wh / 4);
}
