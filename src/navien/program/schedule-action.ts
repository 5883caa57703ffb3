/**
 * The navien-schedule node's actions (read / write / add / update / remove / enable / disable)
 * as one runner over a heater it can read and write. Everything the user typed is checked
 * before the first program request: a bad entry costs no message to the heater. Single-entry
 * edits read the program right before writing the whole list back (§9.1: replace-whole-list).
 */
import { resolveTempUnit, unitLabel, type TempUnit, type UnitChoice } from '../decode/units';
import { invalidField, isPlainObject } from './fields';
import {
  decodeRawSchedule,
  modeId,
  SCHEDULE_MODES,
  type RawReservationEntry,
  type RawScheduleProgram,
  type ScheduleProgram,
} from './schedule';
import {
  addScheduleEntry,
  removeScheduleEntry,
  setScheduleEnabled,
  updateScheduleEntry,
} from './schedule-edit';
import {
  parseScheduleEntry,
  parseScheduleWrite,
  type ScheduleInputContext,
} from './schedule-input';

export const SCHEDULE_ACTIONS = [
  'read',
  'write',
  'add',
  'update',
  'remove',
  'enable',
  'disable',
] as const;
export type ScheduleActionName = (typeof SCHEDULE_ACTIONS)[number];

export type ScheduleAction =
  | { action: 'read' | 'enable' | 'disable' }
  | { action: 'write'; payload: Record<string, unknown> }
  | { action: 'add'; entry: unknown }
  | { action: 'update'; index: number; entry: unknown }
  | { action: 'remove'; index: number };

/** What the runner needs of a heater (the account gives it, tests may fake it). */
export interface ScheduleHeater {
  feature(): Promise<Record<string, unknown>>;
  read(): Promise<RawScheduleProgram>;
  /** Writes the whole program; resolves with what the heater confirmed holding. */
  write(program: RawScheduleProgram): Promise<RawScheduleProgram>;
  /** Runs one action's reads and writes with no other action on this heater in between. */
  exclusive?<T>(work: () => Promise<T>): Promise<T>;
}

export interface ScheduleOutput extends ScheduleProgram {
  units: { temperature: '°C' | '°F' };
  /** Present (true) after a confirmed write. */
  ok?: true;
}

function checkIndexShape(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidField(
      'index',
      `must be an entry number (0 for the first), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** msg.payload → an action; empty payloads (and inject timestamps) read. Shape only. */
export function parseScheduleAction(payload: unknown): ScheduleAction {
  if (!isPlainObject(payload) || payload.action === undefined) {
    if (isPlainObject(payload) && payload.entries !== undefined) {
      throw invalidField('action', 'is missing: send {"action": "write", "entries": [...]}');
    }
    return { action: 'read' };
  }
  const action = SCHEDULE_ACTIONS.find((a) => a === payload.action);
  switch (action) {
    case 'read':
    case 'enable':
    case 'disable':
      return { action };
    case 'write':
      return { action, payload };
    case 'add':
      return { action, entry: payload.entry };
    case 'update':
      return { action, index: checkIndexShape(payload.index), entry: payload.entry };
    case 'remove':
      return { action, index: checkIndexShape(payload.index) };
    default:
      throw invalidField(
        'action',
        `must be one of ${SCHEDULE_ACTIONS.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(payload.action)}`,
      );
  }
}

/**
 * Checks the fields an update names before the program is read. Left-out fields are filled
 * from a stand-in entry of the same mode, so only what the user wrote is judged here; the
 * real entry is merged after the read.
 */
function precheckUpdate(entry: unknown, ctx: ScheduleInputContext): void {
  const mode = isPlainObject(entry) ? SCHEDULE_MODES.find((m) => m === entry.mode) : undefined;
  const min = ctx.feature.dhwTemperatureMin;
  const standIn: RawReservationEntry = {
    enable: 2,
    week: 254,
    hour: 0,
    min: 0,
    mode: modeId(mode ?? 'heat-pump'),
    param: typeof min === 'number' ? min : 0,
  };
  parseScheduleEntry(entry, 'entry', ctx, standIn);
}

/** Runs one action; the output is the program the heater holds afterwards. */
export function runScheduleAction(
  action: ScheduleAction,
  heater: ScheduleHeater,
  units: UnitChoice,
): Promise<ScheduleOutput> {
  const work = () => runAction(action, heater, units);
  return heater.exclusive ? heater.exclusive(work) : work();
}

async function runAction(
  action: ScheduleAction,
  heater: ScheduleHeater,
  units: UnitChoice,
): Promise<ScheduleOutput> {
  const feature = await heater.feature();
  const unit: TempUnit = resolveTempUnit(units, feature.temperatureType);
  const ctx: ScheduleInputContext = { unit, feature };
  const output = (program: RawScheduleProgram, written: boolean): ScheduleOutput => ({
    ...decodeRawSchedule(program, unit),
    units: { temperature: unitLabel(unit) },
    ...(written ? { ok: true as const } : {}),
  });
  const edit = async (
    change: (current: RawScheduleProgram) => RawScheduleProgram,
  ): Promise<ScheduleOutput> => output(await heater.write(change(await heater.read())), true);

  switch (action.action) {
    case 'read':
      return output(await heater.read(), false);
    case 'write':
      return output(await heater.write(parseScheduleWrite(action.payload, ctx)), true);
    case 'add':
      parseScheduleEntry(action.entry, 'entry', ctx);
      return edit((current) => addScheduleEntry(current, action.entry, ctx));
    case 'update':
      precheckUpdate(action.entry, ctx);
      return edit((current) => updateScheduleEntry(current, action.index, action.entry, ctx));
    case 'remove':
      return edit((current) => removeScheduleEntry(current, action.index));
    case 'enable':
    case 'disable':
      return edit((current) => setScheduleEnabled(current, action.action === 'enable'));
  }
}
