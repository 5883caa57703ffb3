// README's "The nodes" and "Example flows" tables stay complete: every node type in
// package.json "node-red".nodes and every flow in examples/ has a row, and no row names one
// that is gone. A newcomer reads these tables to find what the package can do (issue 14).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { nodeSets, repoRoot } from '../support/packing';

/** The Markdown of one `## heading` section (up to the next `## `). */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** The cells of a column of the section's first table (header and separator rows left out). */
function column(sectionText: string, index: number): string[] {
  const lines = sectionText.split('\n');
  const first = lines.findIndex((line) => line.trim().startsWith('|'));
  assert.ok(first >= 0, 'no table in this README section');
  const end = lines.findIndex((line, i) => i > first && !line.trim().startsWith('|'));
  const rows = lines.slice(first, end < 0 ? undefined : end);
  return rows
    .slice(2)
    .map((row) => (row.split('|')[index + 1] ?? '').trim())
    .filter((cell) => cell.length > 0);
}

/** Example flow names as Import > Examples lists them: path under examples/ without .json. */
function exampleNames(dir = join(repoRoot, 'examples')): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) names.push(...exampleNames(full));
    else if (entry.endsWith('.json'))
      names.push(relative(join(repoRoot, 'examples'), full).replace(/\.json$/, ''));
  }
  return names.sort();
}

function difference(a: string[], b: string[]): string[] {
  const other = new Set(b);
  return a.filter((x) => !other.has(x));
}

describe('README tables match the package', function () {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

  it('"The nodes" lists every node type of package.json, and only those', function () {
    const listed = column(section(readme, 'The nodes'), 1).map((cell) =>
      cell.replace(/`/g, '').trim(),
    );
    const types = Object.keys(nodeSets());
    assert.ok(types.length > 0, 'package.json lists no node-red.nodes');
    const missing = difference(types, listed);
    const stale = difference(listed, types);
    assert.deepEqual(
      { missing, stale },
      { missing: [], stale: [] },
      `README "The nodes": add a row for ${missing.join(', ') || '-'}; ` +
        `remove ${stale.join(', ') || '-'}`,
    );
  });

  it('"Example flows" lists every flow in examples/, and only those', function () {
    const listed = column(section(readme, 'Example flows'), 0);
    const examples = exampleNames();
    assert.ok(examples.length > 0, 'no example flows found');
    const missing = difference(examples, listed);
    const stale = difference(listed, examples);
    assert.deepEqual(
      { missing, stale },
      { missing: [], stale: [] },
      `README "Example flows": add a row for ${missing.join(', ') || '-'}; ` +
        `remove ${stale.join(', ') || '-'}`,
    );
  });
});
