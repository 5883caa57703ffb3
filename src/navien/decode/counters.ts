/**
 * The installer diagnostics counters (16777228, answer `{typeOfTD, data: {tsData, tdData,
 * taData, tcData}}`, NAVIEN-PROTOCOL.md §9.4): lifetime counters under plain names that carry
 * their unit, with the vendor's spellings (`avrageRecoveryTime`, `numOffRostProtectBurn`, …)
 * kept out of our keys. One table maps every vendor key; keys it does not know are kept in `other`.
 */

/**
 * `Wh`, `h`, `days`, `count`, `steps`; `unknown` where the vendor documents none (§8.38).
 * Help: "Only the energy (Wh) and compressor/upper-element hours are confirmed against other
 * readings; units marked unknown are passed on as the heater counts them."
 */
export type CounterUnit = 'Wh' | 'h' | 'days' | 'count' | 'steps' | 'unknown';

type Block = 'tsData' | 'tdData' | 'taData';

/** [block, vendor key, our name, unit]. */
const COUNTERS: readonly (readonly [Block, string, string, CounterUnit])[] = [
  ['tsData', 'cumulatedPwrHp', 'heatPumpWh', 'Wh'],
  ['tsData', 'cumulatedPwrHe', 'elementWh', 'Wh'],
  ['tsData', 'daysSinceInstallation', 'daysInService', 'days'],
  ['tsData', 'cumulatedOccNumEco', 'ecoTrips', 'count'],
  ['tsData', 'cumulatedOccNumDryFire', 'dryFireEvents', 'count'],
  ['tsData', 'numOffRostProtectBurn', 'freezeProtectionHeatings', 'count'],
  ['tsData', 'cumulatedOccNumConOvrFlow', 'condensateOverflows', 'count'],
  ['tsData', 'cumulatedOccNumWtrOvrFlow', 'waterLeakEvents', 'count'],
  ['tsData', 'cumulatedOpTimeDrShed', 'demandResponseShedTime', 'unknown'],
  ['tsData', 'cumulatedOpTimeDrLoadUp', 'demandResponseLoadUpTime', 'unknown'],
  ['tsData', 'cumulatedOpTimeDrAdvLoadUp', 'demandResponseAdvancedLoadUpTime', 'unknown'],
  ['tsData', 'cumulatedOpTimeDrCpp', 'demandResponseCriticalPeakTime', 'unknown'],
  ['tsData', 'cumulatedOpTimeDrGridEmg', 'demandResponseGridEmergencyTime', 'unknown'],
  ['tsData', 'cumulatedOccNumAbDisTmp', 'dischargeTemperatureFaults', 'count'],
  ['tsData', 'cumulatedOccNumHpo', 'heatPumpFaults', 'count'],
  ['tsData', 'cumulatedOccNumAbSucTmp', 'suctionTemperatureFaults', 'count'],
  ['tsData', 'cumulatedOccNumAbDisSucTmp', 'dischargeSuctionDifferenceFaults', 'count'],
  ['tdData', 'numOfdhwUse', 'hotWaterDraws', 'count'],
  ['tdData', 'dhwUseTotalFlow', 'hotWaterDrawVolume', 'unknown'],
  ['tdData', 'dhwUseTotalTime', 'hotWaterDrawTime', 'unknown'],
  ['tdData', 'numOfLongDhwUse', 'longDraws', 'count'],
  ['tdData', 'longDhwUseTotalFlow', 'longDrawVolume', 'unknown'],
  ['tdData', 'longDhwUseTotalTime', 'longDrawTime', 'unknown'],
  ['tdData', 'numOfShortDhwUse', 'shortDraws', 'count'],
  ['tdData', 'avrageRecoveryTime', 'averageRecoveryTime', 'unknown'],
  ['taData', 'cumulatedOpTimeComp', 'compressorHours', 'h'],
  ['taData', 'cumulatedOpNumComp', 'compressorStarts', 'count'],
  ['taData', 'cumulatedOpTimeEvaFan', 'evaporatorFanHours', 'h'],
  ['taData', 'cumulatedOpNumEvaFan', 'evaporatorFanStarts', 'count'],
  ['taData', 'cumulatedOpStepEev', 'expansionValveSteps', 'steps'],
  ['taData', 'cumulatedOpTimeUhe', 'upperElementHours', 'h'],
  ['taData', 'cumulatedOpNumUhe', 'upperElementStarts', 'count'],
  ['taData', 'cumulatedOpTimeLhe', 'lowerElementHours', 'h'],
  ['taData', 'cumulatedOpNumLhe', 'lowerElementStarts', 'count'],
  ['taData', 'cumulatedOpNumShutOffVv', 'shutOffValveOperations', 'count'],
  ['taData', 'mixingValveOpTotalStep', 'mixingValveSteps', 'steps'],
  ['taData', 'mixingValveOpAvgMixinGrate', 'mixingValveAverageRate', 'unknown'],
  ['taData', 'cumulatedOpNumRecircPump', 'recirculationPumpStarts', 'count'],
  ['taData', 'cumulatedOpTimeRecircPump', 'recirculationPumpHours', 'h'],
  ['taData', 'cumulatedOpTimeInvComp1', 'inverterCompressor1Time', 'unknown'],
  ['taData', 'cumulatedOpTimeInvComp2', 'inverterCompressor2Time', 'unknown'],
  ['taData', 'cumulatedOpTimeInvComp3', 'inverterCompressor3Time', 'unknown'],
  ['taData', 'cumulatedOpTimeInvComp4', 'inverterCompressor4Time', 'unknown'],
];

/** Sums over both elements, added beside the per-element counters. */
const DERIVED: readonly (readonly [string, CounterUnit])[] = [
  ['heatPumpHours', 'h'],
  ['elementHours', 'h'],
  ['elementStarts', 'count'],
];

export interface InstallerCounters {
  /** Every counter by our name; null when the answer did not carry it. */
  counters: Record<string, number | null>;
  /** Unit of every counter in `counters`. */
  units: Record<string, CounterUnit>;
  /** Vendor keys this package does not know yet, by block, untouched. */
  other: Record<string, Record<string, unknown>>;
  /** The answer's `typeOfTD` (2 in every capture). */
  typeOfTD: number | null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function sum(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null && b == null) return null;
  return (a ?? 0) + (b ?? 0);
}

/**
 * `response` of the counters answer → plain names. `heatPumpHours` is the compressor's time;
 * `elementHours` and `elementStarts` add the upper and lower element (the energy answer's
 * `heTime` matched the upper element on a unit whose lower element showed 0 h, §8.38).
 */
export function decodeInstallerCounters(response: Record<string, unknown>): InstallerCounters {
  const data = isObject(response.data) ? response.data : {};
  const counters: Record<string, number | null> = {};
  const units: Record<string, CounterUnit> = {};
  const known = new Set<string>();
  for (const [block, vendorKey, name, unit] of COUNTERS) {
    const values = isObject(data[block]) ? data[block] : {};
    counters[name] = numOrNull(values[vendorKey]);
    units[name] = unit;
    known.add(`${block}.${vendorKey}`);
  }
  counters.heatPumpHours = counters.compressorHours ?? null;
  counters.elementHours = sum(counters.upperElementHours, counters.lowerElementHours);
  counters.elementStarts = sum(counters.upperElementStarts, counters.lowerElementStarts);
  for (const [name, unit] of DERIVED) units[name] = unit;

  const other: Record<string, Record<string, unknown>> = {};
  for (const [block, values] of Object.entries(data)) {
    if (!isObject(values)) continue;
    for (const [key, value] of Object.entries(values)) {
      if (known.has(`${block}.${key}`)) continue;
      (other[block] ??= {})[key] = value;
    }
  }
  return { counters, units, other, typeOfTD: numOrNull(response.typeOfTD) };
}
