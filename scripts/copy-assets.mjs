// Node-RED reads locales/ and icons/ beside each node's .js file, so the build copies the
// top-level sources there (see CONVENTIONS §1). Editor HTML already lives in nodes/.
import { cpSync, rmSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const dir of ['locales', 'icons']) {
  const target = join(root, 'nodes', dir);
  rmSync(target, { recursive: true, force: true });
  if (existsSync(join(root, dir))) cpSync(join(root, dir), target, { recursive: true });
}
