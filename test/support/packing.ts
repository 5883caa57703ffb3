// Packs the repository once per mocha run and installs the tarball into Node-RED user
// directories the way the palette manager does (`npm install <tarball> --omit=dev`).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');

export interface PackageJson {
  name: string;
  version: string;
  license?: string;
  keywords?: string[];
  repository?: string | { type?: string; url?: string };
  bugs?: string | { url?: string };
  engines?: { node?: string };
  files?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  'node-red'?: { version?: string; nodes?: Record<string, string> };
}

/** The caller's environment minus npm's lifecycle variables, so nested npm runs are clean. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_')) env[key] = value;
  }
  return { ...env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false', ...extra };
}

export function readPackageJson(): PackageJson {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
}

/** Node sets: set name -> path of the node's .js file relative to the package root. */
export function nodeSets(): Record<string, string> {
  return readPackageJson()['node-red']?.nodes ?? {};
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a command without a shell; rejects with its output on a non-zero exit. */
export function run(
  file: string,
  args: string[],
  opts: CommandOptions = {},
): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      file,
      args,
      {
        cwd: opts.cwd ?? repoRoot,
        env: opts.env ?? process.env,
        timeout: opts.timeoutMs ?? 300_000,
        maxBuffer: 64 * 1024 * 1024,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = `${file} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`;
          reject(new Error(detail));
          return;
        }
        resolvePromise({ stdout, stderr });
      },
    );
  });
}

export interface PackedFile {
  path: string;
  size: number;
}

export interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: PackedFile[];
}

/** `npm pack --json` prints an array with one entry per packed package. */
export function parsePackJson(stdout: string): PackResult {
  const start = stdout.indexOf('[');
  if (start < 0) throw new Error(`npm pack printed no JSON:\n${stdout}`);
  const parsed = JSON.parse(stdout.slice(start)) as PackResult[];
  const first = parsed[0];
  if (!first) throw new Error('npm pack printed an empty list');
  return first;
}

/** Fails early, with a useful message, when the build output is missing. */
export function assertBuilt(): void {
  const missing = Object.values(nodeSets()).filter((file) => !existsSync(join(repoRoot, file)));
  if (missing.length > 0) {
    throw new Error(`build output missing (${missing.join(', ')}): run \`npm run build\` first`);
  }
}

export interface PackedPackage extends PackResult {
  tarball: string;
}

const tempDirs: string[] = [];
let packOnce: Promise<PackedPackage> | undefined;

/** A temp directory removed when the mocha process exits (and by `removeTempDir`). */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `navien-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  const index = tempDirs.indexOf(dir);
  if (index >= 0) tempDirs.splice(index, 1);
}

function removeAllTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// Imported while mocha loads spec files, so this top-level `after` is a root hook: it runs
// once after every suite (the packed tarball lives until then). The exit handler is a
// fallback for runs that end early.
if (typeof after === 'function') after(removeAllTempDirs);
process.once('exit', removeAllTempDirs);

/** The repository packed with `npm pack` (after the build), once per mocha run. */
export function packedPackage(): Promise<PackedPackage> {
  packOnce ??= (async () => {
    assertBuilt();
    const dest = makeTempDir('pack');
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dest], {
      env: cleanEnv(),
    });
    const result = parsePackJson(stdout);
    const tarball = join(dest, result.filename);
    if (!existsSync(tarball)) throw new Error(`npm pack did not write ${tarball}`);
    return { ...result, size: statSync(tarball).size, tarball };
  })();
  return packOnce;
}

export interface InstallOptions {
  /** Directory prepended to PATH so that `npm` runs under another Node binary. */
  nodeBinDir?: string;
  /** `--offline` (cache only) instead of `--prefer-offline`. */
  offline?: boolean;
}

/**
 * Installs the packed tarball into a Node-RED user directory as the palette manager does:
 * production dependencies only, from the npm cache when it has them.
 */
export async function installPackage(
  userDir: string,
  tarball: string,
  opts: InstallOptions = {},
): Promise<void> {
  const pkgFile = join(userDir, 'package.json');
  if (!existsSync(pkgFile)) {
    writeFileSync(
      pkgFile,
      JSON.stringify({
        name: 'node-red-project',
        description: 'e2e',
        version: '0.0.1',
        private: true,
      }),
    );
  }
  const env = cleanEnv();
  if (opts.nodeBinDir) env.PATH = `${opts.nodeBinDir}:${env.PATH ?? ''}`;
  await run(
    'npm',
    [
      'install',
      '--omit=dev',
      '--no-audit',
      '--no-fund',
      opts.offline ? '--offline' : '--prefer-offline',
      tarball,
    ],
    { cwd: userDir, env, timeoutMs: 300_000 },
  );
}
