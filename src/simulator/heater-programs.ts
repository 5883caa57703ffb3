/**
 * The simulated heater's own programs (NAVIEN-PROTOCOL.md §9.1, §9.2): the weekly program it
 * holds and runs, and the TOU plan written to it over MQTT. Reads are answered in both forms a
 * real heater sends (JSON on `res/rsv/rd`, hex on `res/rsv`), writes are stored and echoed.
 *
 * The program runs on the heater's simulated clock read as local time of the machine running
 * the simulator (a real heater keeps its home's local time): an enabled entry fires when the
 * clock passes its weekday and minute, with the heater's own rules — it fires while powered
 * off (and powers the heater on in its mode), not during vacation, and never late.
 * Simplified: a TOU window does not hold an entry's mode here (a real heater holds it).
 */
import { CONTROL_MODES } from '../navien/protocol/commands';
import { DhwMode } from '../navien/protocol/modes';
import { ProgramCommand, ProgramTopics } from '../navien/protocol/programs';
import { readRawSchedule, type RawScheduleProgram } from '../navien/program/schedule';
import { readRawTou } from '../navien/program/tou-echo';
import type { RawTouProgram } from '../navien/program/tou-write';
import type { Heater } from './heater';
import { defaultTou } from './rest-data';

export interface HeaterPrograms {
  schedule: RawScheduleProgram;
  tou: RawTouProgram;
  /** Drops program and TOU writes without a word, as one real unit sometimes did (§9.1). */
  ignoreWrites: boolean;
  /** Simulated time up to which the program has been run. */
  ranUntil: number;
}

/** One answer: the reply suffix (after `res/`) and the `response` keys to add to the envelope. */
export interface ProgramReply {
  suffix: string;
  response: Record<string, unknown>;
}

const MINUTE_MS = 60_000;
/** A clock jump longer than a week runs each entry at most once. */
const MAX_CATCH_UP_MS = 7 * 24 * 60 * MINUTE_MS;

/**
 * A sample program, switched off so a fresh simulator behaves as before until a flow (or the
 * demo) turns it on: weekdays 06:30 High Demand 140 °F, every day 22:00 Energy Saver 120 °F.
 */
function sampleSchedule(): RawScheduleProgram {
  return {
    reservationUse: 1,
    reservation: [
      { enable: 2, week: 124, hour: 6, min: 30, mode: DhwMode.HIGH_DEMAND, param: 120 },
      { enable: 2, week: 254, hour: 22, min: 0, mode: DhwMode.ENERGY_SAVER, param: 98 },
    ],
  };
}

/** The REST sample plan (§6.6) flattened into the MQTT form (§9.2). */
function sampleTou(controllerSerial: string): RawTouProgram {
  const schedule = defaultTou(controllerSerial).touInfo?.schedule ?? [];
  return {
    reservationUse: 2,
    reservation: schedule.flatMap((season) =>
      season.interval.map((interval) => ({
        season: season.season,
        week: interval.week,
        startHour: interval.startHour,
        startMinute: interval.startMinute,
        endHour: interval.endHour,
        endMinute: interval.endMinute,
        priceMin: interval.priceMin ?? 0,
        priceMax: interval.priceMax ?? 0,
        decimalPoint: interval.decimalPoint ?? 5,
      })),
    ),
  };
}

const programs = new WeakMap<Heater, HeaterPrograms>();

/** The programs a heater holds (created with the samples on first use). */
export function programsOf(heater: Heater): HeaterPrograms {
  let held = programs.get(heater);
  if (!held) {
    held = {
      schedule: sampleSchedule(),
      tou: sampleTou(heater.controllerSerialNumber),
      ignoreWrites: false,
      ranUntil: heater.time,
    };
    programs.set(heater, held);
  }
  return held;
}

/** The hex form of a program list (§9.1.3): six bytes per entry. */
export function reservationHex(program: RawScheduleProgram): string {
  return program.reservation
    .map((e) =>
      [e.enable, e.week, e.hour, e.min, e.mode, e.param]
        .map((b) => (b & 0xff).toString(16).padStart(2, '0'))
        .join(''),
    )
    .join('');
}

function scheduleJson(program: RawScheduleProgram): Record<string, unknown> {
  return {
    reservationUse: program.reservationUse,
    reservation: program.reservation.map((e) => ({ ...e })),
  };
}

/**
 * Answers a program request published on `cmd/52/navilink-<mac>/<suffix>`, or undefined when
 * the request is not one of them. Writes change the heater's programs unless it ignores them.
 */
export function answerProgramRequest(
  heater: Heater,
  suffix: string,
  request: Record<string, unknown> & { command: number },
): ProgramReply[] | undefined {
  const held = programsOf(heater);
  if (
    suffix === ProgramTopics.reservationRead.request &&
    request.command === ProgramCommand.RESERVATION_READ
  ) {
    return [
      { suffix: ProgramTopics.reservationRead.reply, response: scheduleJson(held.schedule) },
      {
        suffix: ProgramTopics.reservationReadHex.reply,
        response: {
          reservationUse: held.schedule.reservationUse,
          reservation: reservationHex(held.schedule),
        },
      },
    ];
  }
  if (
    suffix === ProgramTopics.reservationWrite.request &&
    request.command === ProgramCommand.RESERVATION_WRITE
  ) {
    if (held.ignoreWrites) return [];
    held.schedule = readRawSchedule(request);
    // The echo lists the entries in another order than they were sent (§9.1.5).
    const echo = { ...held.schedule, reservation: [...held.schedule.reservation].reverse() };
    return [{ suffix: ProgramTopics.reservationWrite.reply, response: scheduleJson(echo) }];
  }
  if (suffix === ProgramTopics.touWrite.request && request.command === ProgramCommand.TOU_WRITE) {
    // Never store a write without a plan (§9.2): a real firmware might take it as "empty".
    if (held.ignoreWrites || !Array.isArray(request.reservation)) return [];
    held.tou = readRawTou(request);
    const tou = held.tou;
    return [
      {
        suffix: ProgramTopics.touWrite.reply,
        response: {
          reservationUse: tou.reservationUse,
          reservation: [...tou.reservation].reverse().map((p) => ({ ...p })),
        },
      },
    ];
  }
  return undefined;
}

/** Week-mask bit of a local date: Sun 128, Mon 64 … Sat 2 (§4.3). */
function dayBit(date: Date): number {
  return 128 >> date.getDay();
}

function runEntry(heater: Heater, mode: number, param: number): void {
  // Vacation skips entries, and a skipped entry is not run later (§9.1).
  if (heater.dhwOperationSetting === DhwMode.VACATION) return;
  if (mode === DhwMode.POWER_OFF) {
    heater.applyControl(CONTROL_MODES['power-off'], 'power-off');
    return;
  }
  if (mode === DhwMode.VACATION) {
    heater.applyControl(CONTROL_MODES['dhw-mode'], 'dhw-mode', [mode, heater.vacationDays]);
    return;
  }
  // An entry fires while the heater is off and powers it on in the entry's mode (§9.1).
  heater.applyControl(CONTROL_MODES['dhw-mode'], 'dhw-mode', [mode]);
  heater.applyControl(CONTROL_MODES['dhw-temperature'], 'dhw-temperature', [param]);
}

/** Runs every entry whose minute the heater's clock passed since the last call. */
export function followProgram(heater: Heater): void {
  const held = programsOf(heater);
  const now = heater.time;
  const from = Math.max(held.ranUntil, now - MAX_CATCH_UP_MS);
  held.ranUntil = now;
  if (held.schedule.reservationUse !== 2) return;
  // Every whole minute in (from, now]
  for (let t = Math.floor(from / MINUTE_MS) * MINUTE_MS + MINUTE_MS; t <= now; t += MINUTE_MS) {
    const at = new Date(t);
    for (const entry of held.schedule.reservation) {
      if (
        entry.enable === 2 &&
        (entry.week & dayBit(at)) !== 0 &&
        entry.hour === at.getHours() &&
        entry.min === at.getMinutes()
      ) {
        runEntry(heater, entry.mode, entry.param);
      }
    }
  }
}
