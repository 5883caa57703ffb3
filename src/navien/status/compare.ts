/** Change detection for "only when something changed" outputs, without serialising statuses. */
import type { DecodedStatus } from '../decode/status';

/** Keys that differ on every message and say nothing about the heater. */
const IGNORED = new Set(['receivedAt']);

function sameUnits(a: unknown, b: unknown): boolean {
  if (a === b) return true; // the decoder shares one frozen units map while the fields stay the same
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if ((a as Record<string, unknown>)[k] !== (b as Record<string, unknown>)[k]) return false;
  }
  return true;
}

/**
 * True when two decoded statuses carry the same values (receivedAt aside). Values are
 * primitives except `units` (compared by identity, then shallowly); any other object value
 * counts as a change unless it is the same object.
 */
export function sameStatus(
  a: Readonly<DecodedStatus> | undefined,
  b: Readonly<DecodedStatus> | undefined,
): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  let count = 0;
  for (const key in a) {
    count++;
    if (IGNORED.has(key)) continue;
    const va = a[key];
    const vb = b[key];
    if (va === vb) continue;
    if (key === 'units' && sameUnits(va, vb)) continue;
    // NaN never equals itself; a heater repeating NaN has not changed.
    if (typeof va === 'number' && typeof vb === 'number' && va !== va && vb !== vb) continue;
    return false;
  }
  let countB = 0;
  for (const key in b) {
    countB++;
    if (!(key in a)) return false;
  }
  return count === countB;
}
