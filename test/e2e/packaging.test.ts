// What the npm tarball ships, how big it is, and that installing it the way the palette
// manager does (production dependencies only) pulls no dev dependency.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { registrations } from '../support/node-html';
import {
  cleanEnv,
  installPackage,
  makeTempDir,
  nodeSets,
  packedPackage,
  parsePackJson,
  readPackageJson,
  removeTempDir,
  repoRoot,
  run,
  type PackResult,
} from '../support/packing';

/** Packed tarball upper bound. */
const MAX_PACKED_BYTES = 400 * 1024;

const DEV_ONLY = [
  'mocha',
  'sinon',
  'typescript',
  'node-red',
  'node-red-node-test-helper',
  'tsx',
  'eslint',
  'prettier',
  'playwright-core',
];

/** Names that must never be in the tarball (sources, tests, tooling, local state). */
const FORBIDDEN: { re: RegExp; why: string }[] = [
  { re: /^src\//, why: 'TypeScript sources' },
  { re: /^test\//, why: 'tests' },
  { re: /^bench\//, why: 'benchmarks' },
  { re: /^scripts\//, why: 'build scripts' },
  { re: /^\.ci\//, why: 'CI scripts' },
  { re: /^\.demo\//, why: 'demo state' },
  { re: /^test-artifacts\//, why: 'test artifacts' },
  { re: /^node_modules\//, why: 'node_modules' },
  { re: /(^|\/)\.git\//, why: 'git data' },
  { re: /\.ts$/, why: 'TypeScript sources' },
  { re: /\.map$/, why: 'source maps' },
  { re: /\.tgz$/, why: 'nested tarballs' },
  { re: /(^|\/)\.env(\.|$)/, why: 'env files' },
  { re: /(^|\/)\.npmrc$/, why: 'npm config (may hold tokens)' },
  { re: /(^|\/)tsconfig.*\.json$/, why: 'tooling config' },
  { re: /(^|\/)eslint\.config\./, why: 'tooling config' },
  {
    re: /(^|\/)[^/]*(token|secret|credential)[^/]*\.(json|txt|ya?ml)$/i,
    why: 'token/secret files',
  },
  { re: /\.(token|pem|key)$/, why: 'key or token files' },
  { re: /(^|\/)(flows_cred|\.config\.).*\.json$/, why: 'Node-RED user data' },
];

/** Content that looks like a secret, a source map link or a developer's path. */
const SECRET_CONTENT: { re: RegExp; why: string }[] = [
  { re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, why: 'private key' },
  { re: /\bAKIA[0-9A-Z]{16}\b/, why: 'AWS access key id' },
  { re: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./, why: 'JWT' },
  { re: /\/\/[#@] sourceMappingURL=/, why: 'source map reference' },
  { re: /\/(root|home\/[a-z0-9_-]+|work\/main)\/[A-Za-z0-9_.-]/, why: 'absolute local path' },
  { re: /npm_[A-Za-z0-9]{36}/, why: 'npm token' },
  { re: /gh[pousr]_[A-Za-z0-9]{36}/, why: 'GitHub token' },
];

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

describe('e2e: packaging (npm pack)', function () {
  this.timeout(300_000);
  let dryRun: PackResult;
  let paths: string[];

  before(async function () {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { env: cleanEnv() });
    dryRun = parsePackJson(stdout);
    paths = dryRun.files.map((f) => f.path);
  });

  it('ships package.json, README, LICENSE and CHANGELOG', function () {
    for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
      assert.ok(paths.includes(file), `${file} missing from the tarball`);
    }
  });

  it('ships every node set: compiled JS, editor HTML, catalog and help beside it', function () {
    const sets = nodeSets();
    assert.ok(Object.keys(sets).length > 0, 'package.json lists no node-red.nodes');
    for (const [set, file] of Object.entries(sets)) {
      const dir = file.slice(0, file.lastIndexOf('/') + 1);
      assert.ok(paths.includes(file), `${file} (${set}) missing`);
      assert.ok(paths.includes(file.replace(/\.js$/, '.html')), `${set}: editor HTML missing`);
      assert.ok(paths.includes(`${dir}locales/en-US/${set}.json`), `${set}: en-US catalog missing`);
      const html = readFileSync(join(repoRoot, file.replace(/\.js$/, '.html')), 'utf8');
      const helpInline = html.includes(`data-help-name="${set}"`);
      const helpLocale = paths.includes(`${dir}locales/en-US/${set}.html`);
      assert.ok(helpInline || helpLocale, `${set}: no help (inline or locales/en-US/${set}.html)`);
    }
  });

  it('ships the compiled modules the node files require (nodes/**/*.js)', function () {
    const jsFiles = paths.filter((p) => p.startsWith('nodes/') && p.endsWith('.js'));
    const built = listFiles(join(repoRoot, 'nodes'))
      .map((f) => relative(repoRoot, f))
      .filter((p) => p.endsWith('.js'));
    assert.deepEqual([...jsFiles].sort(), [...built].sort());
  });

  it('ships every icon the editor HTML names, under nodes/icons/', function () {
    const icons = paths.filter((p) => /^nodes\/icons\/[^/]+\.(svg|png)$/.test(p));
    assert.ok(icons.length > 0, 'no icons shipped in nodes/icons/');
    for (const file of Object.values(nodeSets())) {
      const html = readFileSync(join(repoRoot, file.replace(/\.js$/, '.html')), 'utf8');
      for (const reg of registrations(html)) {
        if (reg.icon && !reg.icon.startsWith('font-awesome/') && !reg.icon.includes('/')) {
          assert.ok(
            paths.includes(`nodes/icons/${reg.icon}`),
            `${reg.type}: icon ${reg.icon} not shipped`,
          );
        }
      }
    }
  });

  it('ships the example flows (examples/**/*.json)', function () {
    const examples = paths.filter((p) => p.startsWith('examples/') && p.endsWith('.json'));
    assert.ok(examples.length > 0, 'no examples shipped');
    const onDisk = existsSync(join(repoRoot, 'examples'))
      ? listFiles(join(repoRoot, 'examples'))
          .map((f) => relative(repoRoot, f))
          .filter((p) => p.endsWith('.json'))
      : [];
    assert.deepEqual([...examples].sort(), onDisk.sort());
  });

  it('every navien-* node type used in an example is a node type the package ships', function () {
    const shipped = new Set<string>();
    for (const file of Object.values(nodeSets())) {
      const html = readFileSync(join(repoRoot, file.replace(/\.js$/, '.html')), 'utf8');
      for (const reg of registrations(html)) shipped.add(reg.type);
    }
    const unknown = new Set<string>();
    const examples = paths.filter((p) => p.startsWith('examples/') && p.endsWith('.json'));
    for (const example of examples) {
      const flow = JSON.parse(readFileSync(join(repoRoot, example), 'utf8')) as { type?: string }[];
      for (const n of flow) {
        if (n.type?.startsWith('navien-') && !shipped.has(n.type))
          unknown.add(`${n.type} (${example})`);
      }
    }
    assert.deepEqual([...unknown].sort(), [], 'examples would import as unknown nodes');
  });

  it('ships no sources, tests, maps, local state, tooling config or token files', function () {
    const bad = paths.flatMap((p) =>
      FORBIDDEN.filter((f) => f.re.test(p)).map((f) => `${p} (${f.why})`),
    );
    assert.deepEqual(bad, []);
  });

  it('contains no secret-looking content, source map links or local paths', async function () {
    const pack = await packedPackage();
    const dir = makeTempDir('unpacked');
    try {
      await run('tar', ['-xzf', pack.tarball, '-C', dir]);
      const hits: string[] = [];
      for (const file of listFiles(join(dir, 'package'))) {
        const text = readFileSync(file, 'utf8');
        for (const { re, why } of SECRET_CONTENT) {
          if (re.test(text)) hits.push(`${relative(dir, file)}: ${why}`);
        }
      }
      assert.deepEqual(hits, []);
    } finally {
      removeTempDir(dir);
    }
  });

  it('stays small (packed size printed below)', async function () {
    const pack = await packedPackage();
    const kb = (n: number): string => `${(n / 1024).toFixed(1)} kB`;
    console.log(
      `      tarball ${pack.filename}: ${kb(pack.size)} packed, ${kb(pack.unpackedSize)} unpacked, ${pack.entryCount} files`,
    );
    assert.ok(
      pack.size < MAX_PACKED_BYTES,
      `tarball is ${kb(pack.size)} (limit ${kb(MAX_PACKED_BYTES)})`,
    );
  });

  describe('npm install <tarball> --omit=dev into a fresh user dir', function () {
    let userDir: string;

    before(async function () {
      const pack = await packedPackage();
      userDir = makeTempDir('install');
      await installPackage(userDir, pack.tarball);
    });

    after(function () {
      if (userDir) removeTempDir(userDir);
    });

    it('installs the package and its runtime dependencies', function () {
      const pkg = readPackageJson();
      const installed = join(userDir, 'node_modules', pkg.name, 'package.json');
      assert.ok(existsSync(installed), 'package not installed');
      for (const dep of Object.keys(pkg.dependencies ?? {})) {
        assert.ok(existsSync(join(userDir, 'node_modules', dep, 'package.json')), `${dep} missing`);
      }
    });

    it('pulls no dev dependency (unless a runtime dependency needs it too)', function () {
      const pkg = readPackageJson();
      const devDeps = [...new Set([...DEV_ONLY, ...Object.keys(pkg.devDependencies ?? {})])];
      const present = devDeps.filter((dep) =>
        existsSync(join(userDir, 'node_modules', dep, 'package.json')),
      );
      // Who requires each present one? Allowed only when an installed package depends on it.
      const installed = listFiles(join(userDir, 'node_modules')).filter((f) =>
        /node_modules\/(@[^/]+\/)?[^/]+\/package\.json$/.test(f),
      );
      const requiredBy = (dep: string): string[] =>
        installed.filter((file) => {
          const meta = JSON.parse(readFileSync(file, 'utf8')) as {
            name?: string;
            dependencies?: Record<string, string>;
            optionalDependencies?: Record<string, string>;
          };
          return (
            meta.name !== dep && !!(meta.dependencies?.[dep] ?? meta.optionalDependencies?.[dep])
          );
        });
      const unexplained = present.filter((dep) => requiredBy(dep).length === 0);
      const hard = present.filter((dep) => DEV_ONLY.includes(dep) && !dep.startsWith('@types/'));
      for (const dep of present.filter((d) => !unexplained.includes(d))) {
        console.log(`      note: ${dep} is installed because a runtime dependency needs it`);
      }
      assert.deepEqual(unexplained, [], 'dev dependencies installed with --omit=dev');
      assert.deepEqual(hard, [], 'tooling installed with --omit=dev');
    });

    it('a second install works with --offline, from the npm cache alone', async function () {
      // The first install (before()) may fetch registry metadata: `npm ci` caches tarballs
      // but not the packuments needed to resolve the tarball's ranges. From then on the
      // palette-manager-style install needs no network.
      const pack = await packedPackage();
      const offlineDir = makeTempDir('install-offline');
      try {
        await installPackage(offlineDir, pack.tarball, { offline: true });
        const name = readPackageJson().name;
        assert.ok(existsSync(join(offlineDir, 'node_modules', name, 'package.json')));
      } finally {
        removeTempDir(offlineDir);
      }
    });

    it('every node file loads as a module exporting a function', async function () {
      const pkg = readPackageJson();
      const script = Object.values(nodeSets())
        .map(
          (file) =>
            `if (typeof require(${JSON.stringify(join(userDir, 'node_modules', pkg.name, file))}) !== 'function') throw new Error(${JSON.stringify(file)});`,
        )
        .join('\n');
      // Runs in a clean process from the user dir, so only the installed tree is resolvable.
      await run(process.execPath, ['-e', script], {
        cwd: userDir,
        env: cleanEnv({ NODE_PATH: '' }),
      });
    });
  });
});
