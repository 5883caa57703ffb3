/**
 * What navien-tou is asked to do: read the plan (any message without an action, e.g. an
 * inject's timestamp) or write one (`{action: "write", enabled?, seasons}`, checked here in full
 * before anything is sent).
 */
import { invalidField, isPlainObject } from './fields';
import { parseTouWrite, type RawTouProgram } from './tou-write';

export type TouAction = { action: 'read' } | { action: 'write'; program: RawTouProgram };

export function parseTouAction(payload: unknown): TouAction {
  if (!isPlainObject(payload) || payload.action === undefined) return { action: 'read' };
  if (payload.action === 'read') return { action: 'read' };
  if (payload.action === 'write') return { action: 'write', program: parseTouWrite(payload) };
  throw invalidField('action', `must be "read" or "write", got ${JSON.stringify(payload.action)}`);
}
