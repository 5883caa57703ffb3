/**
 * Reads sample payloads from the shared protocol reference and the reference library's
 * crosscheck fixtures where they live (never copied into this repository).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The shared protocol folder: NAVIEN_PROTOCOL_DIR, else `shared/protocol` beside the checkout
 * (where CI puts it), else the workplace's copy.
 */
export const PROTOCOL_DIR =
  [
    process.env.NAVIEN_PROTOCOL_DIR,
    path.join(__dirname, '..', '..', '..', 'shared', 'protocol'),
    '/work/shared/protocol',
  ].find((dir): dir is string => !!dir && existsSync(path.join(dir, 'NAVIEN-PROTOCOL.md'))) ??
  path.join(__dirname, '..', '..', '..', 'shared', 'protocol');

/** The first ```json block after the heading that starts with `heading` (e.g. "#### 9.1.2 "). */
export function protocolSample(heading: string): Record<string, unknown> {
  const text = readFileSync(path.join(PROTOCOL_DIR, 'NAVIEN-PROTOCOL.md'), 'utf8');
  const at = text.split('\n').findIndex((line) => line.startsWith(heading));
  if (at === -1) throw new Error(`no heading ${heading} in NAVIEN-PROTOCOL.md`);
  const rest = text
    .split('\n')
    .slice(at + 1)
    .join('\n');
  const block = /```json\n([\s\S]*?)\n```/.exec(rest);
  if (!block?.[1]) throw new Error(`no json block after ${heading}`);
  return JSON.parse(block[1]) as Record<string, unknown>;
}

/** `response` of a sample (answers are shown as `{response: {...}}`). */
export function sampleResponse(heading: string): Record<string, unknown> {
  return protocolSample(heading).response as Record<string, unknown>;
}

/** `request` of a sample envelope. */
export function sampleRequest(heading: string): Record<string, unknown> {
  return protocolSample(heading).request as Record<string, unknown>;
}

export interface FixtureCase {
  id: string;
  raw: Record<string, unknown>;
  form?: string;
  [key: string]: unknown;
}

export function crosscheckCases(kind: string): FixtureCase[] {
  const file = path.join(PROTOCOL_DIR, 'crosscheck-fixtures', `${kind}-upstream.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: FixtureCase[] }).cases;
}
