/**
 * Single-entry edits of the weekly program. The heater only takes whole lists (§9.1), so each
 * edit returns the new full list built from the one just read; entries it does not touch keep
 * their wire values byte for byte (no round trip through the user's unit).
 */
import { invalidField } from './fields';
import { checkEntryCount, parseScheduleEntry, type ScheduleInputContext } from './schedule-input';
import { PROGRAM_OFF, PROGRAM_ON, type RawScheduleProgram } from './schedule';

function copy(program: RawScheduleProgram): RawScheduleProgram {
  return {
    reservationUse: program.reservationUse,
    reservation: program.reservation.map((e) => ({ ...e })),
  };
}

function checkIndex(program: RawScheduleProgram, index: unknown): number {
  const count = program.reservation.length;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) {
    throw invalidField(
      'index',
      count === 0
        ? `cannot be used: the program has no entries (got ${JSON.stringify(index)})`
        : `must be an entry number from 0 to ${count - 1}, got ${JSON.stringify(index)}`,
    );
  }
  return index;
}

/** Appends one entry (validated as `entry`). */
export function addScheduleEntry(
  program: RawScheduleProgram,
  entry: unknown,
  ctx: ScheduleInputContext,
): RawScheduleProgram {
  checkEntryCount(program.reservation.length + 1, ctx);
  const next = copy(program);
  next.reservation.push(parseScheduleEntry(entry, 'entry', ctx));
  return next;
}

/** Changes entry `index` (0-based, as in the read output); left-out fields keep their values. */
export function updateScheduleEntry(
  program: RawScheduleProgram,
  index: unknown,
  entry: unknown,
  ctx: ScheduleInputContext,
): RawScheduleProgram {
  const at = checkIndex(program, index);
  const next = copy(program);
  next.reservation[at] = parseScheduleEntry(entry, 'entry', ctx, program.reservation[at]);
  return next;
}

export function removeScheduleEntry(
  program: RawScheduleProgram,
  index: unknown,
): RawScheduleProgram {
  const at = checkIndex(program, index);
  const next = copy(program);
  next.reservation.splice(at, 1);
  return next;
}

/**
 * Switches the program on or off and resends the entries as they are: whether an empty list
 * with the switch off keeps the stored entries is unverified (§8.31).
 * Help: "Disable keeps the entries: it sends the whole program back with the switch off."
 */
export function setScheduleEnabled(
  program: RawScheduleProgram,
  enabled: boolean,
): RawScheduleProgram {
  const next = copy(program);
  next.reservationUse = enabled ? PROGRAM_ON : PROGRAM_OFF;
  return next;
}
