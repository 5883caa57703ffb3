/**
 * A status decoder compiled once per heater key list (issue 11, bench/README.md). A heater sends
 * the same ~100 keys in every status; the decoder for that list is one function returning one
 * object literal in the final key order, so V8 builds every decoded status with one fixed shape
 * in one step. Built key by key instead, a ~116-key object ends up a slow hash table, and every
 * later read or copy of it pays for that. What each key holds is decided in status.ts; this
 * file only turns that list into code and finds it again for the next message.
 */

type RawRecord = Record<string, unknown>;

/** One output key and how its value is made from the raw status. */
export interface Slot {
  key: string;
  /** The raw key read; undefined when `fn` needs only `raw` (e.g. usableEnergy). */
  from: string | undefined;
  /**
   * `fn(value, unit, raw)` makes the output value: from any value ('any'), or only from a finite
   * number ('finite'; other values are copied). No fn: the value is copied.
   */
  fn?: (v: never, unit: never, raw: RawRecord) => unknown;
  when?: 'any' | 'finite';
  /** A number that `fn` did not convert becomes `v === 2` (the device's booleans). */
  deviceBool?: boolean;
}

/** Builds one decoded status: `units` and the caller's `tail` keys go in as given. */
export type Builder = (raw: RawRecord, units: unknown, tail: RawRecord | undefined) => RawRecord;

/**
 * A JavaScript property key for `key`. Quoted keys make a literal V8 lays out in advance; only
 * "__proto__" must be computed, since a quoted one would set the prototype instead.
 */
function propertyKey(key: string): string {
  const quoted = JSON.stringify(key);
  return key === '__proto__' ? `[${quoted}]` : quoted;
}

/**
 * Compiles `slots` for temperature unit `unitCode` ('C' or 'F'), then `temperatureUnit`, `units` and the `tail` keys, into one object literal.
 * A key given twice keeps its first place and its last value, as assignments in that order would.
 */
export function compileBuilder(
  slots: readonly Slot[],
  unitCode: string,
  temperatureUnit: string,
  tailKeys: readonly string[],
): Builder {
  const fields: string[] = [];
  const unit = JSON.stringify(unitCode);
  slots.forEach((slot, i) => {
    const read = slot.from === undefined ? 'undefined' : `r[${JSON.stringify(slot.from)}]`;
    const other = slot.deviceBool ? '(typeof v === "number" ? v === 2 : v)' : 'v';
    // Each call site in the generated code has one target, so V8 can inline the conversion.
    let value: string;
    if (!slot.fn) value = slot.deviceBool ? `(v = ${read}, ${other})` : read;
    else if (slot.when === 'finite')
      value = `(Number.isFinite(v = ${read}) ? f[${i}](v, ${unit}, r) : ${other})`;
    else value = `f[${i}](${read}, ${unit}, r)`;
    fields.push(`${propertyKey(slot.key)}: ${value}`);
  });
  fields.push(`"temperatureUnit": ${JSON.stringify(temperatureUnit)}`, '"units": u');
  for (const key of tailKeys) fields.push(`${propertyKey(key)}: t[${JSON.stringify(key)}]`);
  const fns = slots.map((s) => s.fn);
  // Keys come from the heater: JSON.stringify quotes them safely; the code holds no values.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function(
    'f',
    `return function (r, u, t) { let v; return {${fields.join(',\n')}}; };`,
  ) as (f: typeof fns) => Builder;
  return make(fns);
}

/** True when `obj`'s own enumerable keys are exactly `keys`, in that order. */
export function hasKeys(obj: RawRecord | undefined, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in obj) {
    if (key !== keys[i]) return false;
    i++;
  }
  return i === keys.length;
}

/**
 * Compiled plans found by the raw and tail key lists. The last plan is checked first (a heater
 * repeats its keys: ~100 string compares), then a small map for heaters that alternate.
 */
export class PlanCache<P extends { rawKeys: readonly string[]; tailKeys: readonly string[] }> {
  private static readonly MAX = 32;
  private last: P | undefined;
  private readonly byKeys = new Map<string, P>();

  get(raw: RawRecord, tail: RawRecord | undefined, make: (tailKeys: string[]) => P): P {
    const last = this.last;
    if (last && hasKeys(raw, last.rawKeys) && hasKeys(tail, last.tailKeys)) return last;
    const tailKeys = tail ? Object.keys(tail) : [];
    const signature = `${Object.keys(raw).join('\u0000')}\u0001${tailKeys.join('\u0000')}`;
    let plan = this.byKeys.get(signature);
    if (!plan) {
      if (this.byKeys.size >= PlanCache.MAX) this.byKeys.clear(); // firmware changes are rare
      plan = make(tailKeys);
      this.byKeys.set(signature, plan);
    }
    this.last = plan;
    return plan;
  }
}

/** A function telling whether every one of `keys` holds a finite number in the raw status. */
export function compileAllFinite(keys: readonly string[]): (raw: RawRecord) => boolean {
  const tests = keys.map((k) => `Number.isFinite(r[${JSON.stringify(k)}])`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('r', `return ${tests.join(' && ') || 'true'};`) as (
    raw: RawRecord,
  ) => boolean;
}
