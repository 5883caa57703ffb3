// Removes build output from nodes/ while keeping the editor HTML sources.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const nodesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'nodes');
for (const entry of readdirSync(nodesDir)) {
  const full = join(nodesDir, entry);
  if (statSync(full).isDirectory() || entry.endsWith('.js')) rmSync(full, { recursive: true });
}
