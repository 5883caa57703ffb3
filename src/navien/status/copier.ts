/**
 * Fast shallow copies of decoded statuses. A decoded status has ~115 keys, enough for V8 to keep
 * it as a hash table; Object.assign or a spread of it costs more than the decode (bench/README.md).
 * A heater sends the same keys in every status, so one copy function is compiled per key list:
 * an object literal with those keys, which V8 builds in one step with a fixed shape (~20x faster).
 */
type Copier = (source: Readonly<Record<string, unknown>>) => Record<string, unknown>;

const MAX_SHAPES = 64;
const copiers = new Map<string, Copier>();

function compile(keys: readonly string[]): Copier {
  // Keys come from the heater: JSON.stringify quotes them safely; computed keys ([...]) make
  // even "__proto__" an own property instead of setting the prototype.
  const fields = keys.map((k) => {
    const q = JSON.stringify(k);
    return `[${q}]: s[${q}]`;
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
