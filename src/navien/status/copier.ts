/**
 * Fast shallow copies of decoded statuses. The shared status is frozen, and V8 copies a frozen
 * ~116-key object slowly (a spread or Object.assign of it: ~20-150 µs, bench/README.md). A heater
 * sends the same keys in every status, so one copy function is compiled per key list: an object
 * literal with those keys, which V8 builds in one step with a fixed shape (~3 µs).
 */
import { hasKeys } from '../decode/status-plan';

type Source = Readonly<Record<string, unknown>>;
type Copier = (source: Source) => Record<string, unknown>;

const MAX_SHAPES = 64;
const copiers = new Map<string, Copier>();
let last: { keys: string[]; copy: Copier } | undefined;

function compile(keys: readonly string[]): Copier {
  // Keys come from the heater: JSON.stringify quotes them safely. Quoted keys let V8 lay the
  // literal out in advance (computed ones are ~50x slower to build); only "__proto__" must be
  // computed, or it would set the prototype instead of copying an own property.
  const fields = keys.map((k) => {
    const q = JSON.stringify(k);
    return `${k === '__proto__' ? `[${q}]` : q}: s[${q}]`;
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('s', `return {${fields.join(',')}};`) as Copier;
}

/** The copy function for objects with exactly these keys in this order. */
export function copierFor(keys: readonly string[]): Copier {
  const signature = keys.join('\u0000');
  let copier = copiers.get(signature);
  if (!copier) {
    if (copiers.size >= MAX_SHAPES) copiers.clear(); // firmware changes are rare; stay bounded
    copier = compile(keys);
    copiers.set(signature, copier);
  }
  return copier;
}

/** A fresh, unfrozen shallow copy of `source` with the same keys in the same order. */
export function copyOf<T extends Source>(source: T): T {
  // A heater repeats its keys: checking the last list (~116 compares) beats joining it.
  if (!last || !hasKeys(source, last.keys)) {
    const keys = Object.keys(source);
    last = { keys, copy: copierFor(keys) };
  }
  return last.copy(source) as T;
}
