/**
 * The heater's long views of its own daily history (NAVIEN-PROTOCOL.md §9.3, §9.4): the monthly
 * energy answer, the lifetime `total` every energy answer carries, and the installer counters.
 * All three are sums of the same days the daily query reports, so a client can check one
 * against another; nothing here keeps state of its own.
 */
import type { EnergyAnswer, EnergyDay } from './heater-state';

/** What the history is read from: the heater's daily answer and its clock. */
export interface HistorySource {
  daily: (year: number, months: readonly number[]) => EnergyAnswer;
  /** Simulated epoch ms when the heater started (its invented history lies before it). */
  startTime: number;
  /** Simulated epoch ms now. */
  now: number;
}

/** A zero month is sent without its time keys, as the captured answer shows (§9.3.2). */
export type MonthItem = EnergyDay | { hpUsage: 0; heUsage: 0 };

export interface MonthlyAnswer {
  typeOfUsage: number;
  total: EnergyDay;
  usage: { year: number; data: MonthItem[] }[];
}

export interface Lifetime {
  total: EnergyDay;
  /** Days from the first day with any use up to today (0 when nothing was ever used). */
  daysInService: number;
}

const DAY_MS = 86_400_000;
/** The invented history reaches 400 days back (heater-physics.ts): two calendar years cover it. */
const YEARS_BACK = 2;

const zero = (): EnergyDay => ({ hpUsage: 0, heUsage: 0, hpTime: 0, heTime: 0 });

function add(into: EnergyDay, day: EnergyDay): void {
  into.hpUsage += day.hpUsage;
  into.heUsage += day.heUsage;
  into.hpTime += day.hpTime;
  into.heTime += day.heTime;
}

const ALL_MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

/** Twelve month sums of `year`, January first. */
function monthsOf(source: HistorySource, year: number): EnergyDay[] {
  return source.daily(year, ALL_MONTHS).usage.map((entry) => {
    const month = zero();
    for (const day of entry.data) add(month, day);
    return month;
  });
}

/** Everything the heater ever counted: the sum of every day of its history. */
export function lifetime(source: HistorySource): Lifetime {
  const total = zero();
  let firstUse: number | null = null;
  const from = new Date(source.startTime).getUTCFullYear() - YEARS_BACK;
  const to = new Date(source.now).getUTCFullYear();
  for (let year = from; year <= to; year++) {
    for (const entry of source.daily(year, ALL_MONTHS).usage) {
      entry.data.forEach((day, i) => {
        add(total, day);
        if (firstUse === null && day.hpUsage + day.heUsage > 0)
          firstUse = Date.UTC(year, entry.month - 1, i + 1);
      });
    }
  }
  const daysInService = firstUse === null ? 0 : Math.floor((source.now - firstUse) / DAY_MS);
  return { total, daysInService };
}

/** The §9.3.2 answer for `years`: one entry per year, twelve month items each. */
export function monthlyUsage(source: HistorySource, years: readonly number[]): MonthlyAnswer {
  return {
    typeOfUsage: 1,
    total: lifetime(source).total,
    usage: years.map((year) => ({
      year,
      data: monthsOf(source, year).map((m): MonthItem =>
        m.hpUsage === 0 && m.heUsage === 0 ? { hpUsage: 0, heUsage: 0 } : m,
      ),
    })),
  };
}

/**
 * The §9.4 counters answer: energy and run hours equal the lifetime `total` (as on a real unit);
 * start counts are derived from the hours at the captured unit's ratios (about 4 h per compressor
 * start, several element starts per hour); fault counts are zero except a leak the heater shows.
 */
export function installerCounters(
  source: HistorySource,
  errorCode: number,
): { typeOfTD: number; data: Record<string, Record<string, number>> } {
  const { total, daysInService } = lifetime(source);
  const compressorStarts = Math.round(total.hpTime / 4);
  return {
    typeOfTD: 2,
    data: {
      tsData: {
        cumulatedPwrHp: total.hpUsage,
        cumulatedPwrHe: total.heUsage,
        daysSinceInstallation: daysInService,
        cumulatedOccNumEco: 0,
        cumulatedOccNumDryFire: 0,
        numOffRostProtectBurn: 0,
        cumulatedOccNumConOvrFlow: errorCode === 990 ? 1 : 0,
        cumulatedOccNumWtrOvrFlow: errorCode === 799 ? 1 : 0,
        cumulatedOpTimeDrShed: 0,
        cumulatedOpTimeDrLoadUp: 0,
        cumulatedOpTimeDrAdvLoadUp: 0,
        cumulatedOpTimeDrCpp: 0,
        cumulatedOpTimeDrGridEmg: 0,
        cumulatedOccNumAbDisTmp: 0,
        cumulatedOccNumHpo: 0,
        cumulatedOccNumAbSucTmp: 0,
        cumulatedOccNumAbDisSucTmp: 0,
      },
      tcData: {},
      tdData: {
        numOfdhwUse: 0,
        dhwUseTotalFlow: 0,
        dhwUseTotalTime: 0,
        numOfLongDhwUse: 0,
        longDhwUseTotalFlow: 0,
        longDhwUseTotalTime: 0,
        numOfShortDhwUse: 0,
        avrageRecoveryTime: 0,
      },
      taData: {
        cumulatedOpTimeComp: total.hpTime,
        cumulatedOpNumComp: compressorStarts,
        // The fan runs with the compressor and a little after each stop.
        cumulatedOpTimeEvaFan: total.hpTime + Math.round(compressorStarts / 25),
        cumulatedOpNumEvaFan: compressorStarts,
        cumulatedOpStepEev: compressorStarts * 2,
        // The model's element time is the upper element's; the lower one stays idle (§8.38).
        cumulatedOpTimeUhe: total.heTime,
        cumulatedOpNumUhe: Math.round(total.heTime * 8),
        cumulatedOpTimeLhe: 0,
        cumulatedOpNumLhe: 0,
        cumulatedOpNumShutOffVv: 0,
        mixingValveOpTotalStep: 0,
        mixingValveOpAvgMixinGrate: 0,
        cumulatedOpNumRecircPump: 0,
        cumulatedOpTimeRecircPump: 0,
        cumulatedOpTimeInvComp1: 0,
        cumulatedOpTimeInvComp2: 0,
        cumulatedOpTimeInvComp3: 0,
        cumulatedOpTimeInvComp4: 0,
      },
    },
  };
}
