// README's "Live status fields" tables name every key navien-status can put in msg.payload,
// and only those, so the reference stays complete when the decoder learns a field (issue 14).
// The keys come from the decoder itself: its rule table, run over a status holding every known
// key, a simulated heater's status and the reference library's full status fixture.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeStatus, KNOWN_STATUS_KEYS } from '../../src/navien/decode/status';
import { Heater } from '../../src/simulator/heater';
import { PROTOCOL_DIR } from '../support/protocol-samples';

const ROOT = join(__dirname, '..', '..');
const FIXTURE = join(PROTOCOL_DIR, 'crosscheck-fixtures', 'status-upstream.json');
/** What the status node adds after decoding (src/navien/status/stream.ts). */
const TAIL = { macAddress: 'a4c1382f09be', deviceName: 'Garage HPWH', receivedAt: 'now' };

/** Every key decodeStatus outputs for these raw statuses. */
function outputKeys(raws: Record<string, unknown>[]): Set<string> {
  const keys = new Set<string>();
  for (const raw of raws) {
    for (const units of ['F', 'C'] as const) {
      for (const key of Object.keys(decodeStatus(raw, { units }, TAIL))) keys.add(key);
    }
  }
  return keys;
}

/** The full status of the reference library's test suite (every field it requires). */
function referenceStatus(): Record<string, unknown>[] {
  try {
    const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
      cases: { id: string; raw: Record<string, unknown> }[];
    };
    return fixture.cases.filter((c) => c.id === 'conftest-device_status_dict').map((c) => c.raw);
  } catch {
    return []; // the shared fixtures are not part of the repository
  }
}

/** Backticked keys in the first column of every table under "## Live status fields". */
function documentedKeys(): Set<string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Live status fields\n');
  assert.ok(start >= 0, 'README has no "## Live status fields" section');
  const end = readme.indexOf('\n## ', start + 1);
  const keys = new Set<string>();
  for (const line of readme.slice(start, end).split('\n')) {
    if (!line.startsWith('|')) continue;
    const first = line.split('|')[1] ?? '';
    for (const m of first.matchAll(/`([A-Za-z0-9]+)`/g)) keys.add(m[1] ?? '');
  }
  return keys;
}

describe('README documents every status field', function () {
  const everyKnown = Object.fromEntries(KNOWN_STATUS_KEYS.map((key) => [key, 1]));
  const emitted = outputKeys([
    everyKnown,
    new Heater({ mac: TAIL.macAddress, seed: 1 }).status(),
    ...referenceStatus(),
  ]);
  // Fields of other Navien models in the reference library's docs; we neither decode nor promise them.
  for (const foreign of ['coldWaterTemperature', 'hotWaterCylinder']) emitted.delete(foreign);

  it('the decoder knows a rule or a place for every status field', function () {
    assert.ok(KNOWN_STATUS_KEYS.length > 80, `only ${KNOWN_STATUS_KEYS.length} known keys`);
    assert.ok(emitted.has('usableEnergy') && emitted.has('errorText') && emitted.has('units'));
  });

  it('"Live status fields" names every key navien-status can output, and only those', function () {
    const documented = documentedKeys();
    const missing = [...emitted].filter((key) => !documented.has(key)).sort();
    const stale = [...documented].filter((key) => !emitted.has(key)).sort();
    assert.deepEqual(
      { missing, stale },
      { missing: [], stale: [] },
      `README "Live status fields": add ${missing.join(', ') || '-'}; remove ${stale.join(', ') || '-'}`,
    );
  });
});
