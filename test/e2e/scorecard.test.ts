// The Flow Library scorecard (`node-red-dev validate`, v0.1.6) checks that need no network,
// re-implemented from its source (src/libs/checkpackage.js, checknodes.js, checkdeps.js) and
// run on the PACKED package, as the Flow Library sees it. Network-only checks (P08 similar
// names, N01 duplicate type names in the catalogue, D03 latest dependency versions) are not run.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { minVersion, satisfies } from 'semver';
import { registrations, scorecardBlocks, type Registration } from '../support/node-html';
import {
  makeTempDir,
  packedPackage,
  removeTempDir,
  repoRoot,
  run,
  type PackageJson,
} from '../support/packing';
import { cachedNodeRed } from '../support/toolchains';

/** Node-RED releases with a `latest` or `maintenance` dist-tag when this was written. */
const CURRENT_NODE_RED = ['5.0.7', '4.1.15'];
/** engines.node of the newest Node-RED (5.x) when this was written. */
const NEWEST_NODE_RED_ENGINES = '>=22.9';
/** node-red-dev's badpackages.json. */
const BAD_PACKAGES: Record<string, string> = { 'agent-base': '<6.0.0' };

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? allFiles(full) : [full];
  });
}

describe('e2e: Flow Library scorecard (offline node-red-dev validate checks)', function () {
  this.timeout(120_000);
  let dir: string;
  let root: string;
  let pkg: PackageJson;
  let defs: Registration[];

  before(async function () {
    const pack = await packedPackage();
    dir = makeTempDir('scorecard');
    await run('tar', ['-xzf', pack.tarball, '-C', dir]);
    root = join(dir, 'package');
    pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
    defs = [];
    for (const file of Object.values(pkg['node-red']?.nodes ?? {})) {
      const html = readFileSync(join(root, file.replace('.js', '.html')), 'utf8');
      defs.push(...registrations(html, scorecardBlocks(html)));
    }
  });

  after(function () {
    if (dir) removeTempDir(dir);
  });

  it('P01: has a license field and ships the licence file', function () {
    assert.ok(pkg.license, 'no license field');
    assert.ok(existsSync(join(root, 'LICENSE')), 'LICENSE not shipped');
  });

  it('P03: has a repository (and bugs) URL', function () {
    const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    assert.match(repo ?? '', /^(git\+)?https:\/\/.+/);
    const bugs = typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url;
    assert.match(bugs ?? '', /^https:\/\/.+/);
  });

  it('P04: the name is node-red-contrib-* (unscoped names using node-red must)', function () {
    assert.match(pkg.name, /^node-red-contrib-[a-z0-9][a-z0-9-]*$/);
    assert.ok(!/^(node-red|nodered)(?!-contrib-).*/i.test(pkg.name));
  });

  it('P05: keywords include node-red', function () {
    assert.ok(pkg.keywords?.includes('node-red'));
  });

  it('P06: node-red.version is satisfied by the current releases (5.0.x, 4.1.x)', function () {
    const range = pkg['node-red']?.version;
    assert.ok(range, 'node-red.version not declared');
    const versions = [...CURRENT_NODE_RED];
    const cached = cachedNodeRed('5');
    if (cached) versions.push(cached.version);
    const devDep = JSON.parse(
      readFileSync(join(repoRoot, 'node_modules', 'node-red', 'package.json'), 'utf8'),
    ) as {
      version: string;
    };
    versions.push(devDep.version);
    for (const v of versions)
      assert.ok(satisfies(v, range), `Node-RED ${v} does not satisfy ${range}`);
  });

  it("P07: engines.node admits the newest Node-RED's minimum Node and this machine's Node", function () {
    const engines = pkg.engines?.node;
    assert.ok(engines, 'engines.node not declared');
    const newest = cachedNodeRed('5')?.engines ?? NEWEST_NODE_RED_ENGINES;
    const min = minVersion(newest)?.version ?? '';
    assert.ok(
      satisfies(min, engines),
      `Node ${min} (Node-RED 5 minimum) not admitted by ${engines}`,
    );
    assert.ok(
      satisfies(process.version, engines),
      `this Node ${process.version} not admitted by ${engines}`,
    );
  });

  it('engines.node admits no Node older than a runtime dependency supports', function () {
    const engines = pkg.engines?.node ?? '';
    const ourMin = minVersion(engines)?.version ?? '0.0.0';
    const tooOld: string[] = [];
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const depPkg = JSON.parse(
        readFileSync(join(repoRoot, 'node_modules', dep, 'package.json'), 'utf8'),
      ) as {
        engines?: { node?: string };
      };
      const depEngines = depPkg.engines?.node;
      if (depEngines && !satisfies(ourMin, depEngines))
        tooOld.push(`${dep} needs node ${depEngines}`);
    }
    assert.deepEqual(tooOld, [], `engines.node is ${engines} (minimum ${ourMin})`);
  });

  it('D01: at most 6 runtime dependencies; node-red is not one of them', function () {
    const deps = Object.keys(pkg.dependencies ?? {});
    assert.ok(deps.length <= 6, `${deps.length} dependencies: ${deps.join(', ')}`);
    assert.ok(!deps.includes('node-red'));
    assert.ok(!Object.keys(pkg.optionalDependencies ?? {}).includes('node-red'));
  });

  it('D02: no known-incompatible package in the production dependency tree', function () {
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; dev?: boolean }>;
    };
    const bad: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (entry.dev || !path) continue;
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const range = BAD_PACKAGES[name];
      if (range && entry.version && satisfies(entry.version, range))
        bad.push(`${name}@${entry.version}`);
    }
    assert.deepEqual(bad, []);
  });

  it("every node HTML has a literal registerType('<type>', {...}) the scorecard parser finds", function () {
    for (const [set, file] of Object.entries(pkg['node-red']?.nodes ?? {})) {
      const html = readFileSync(join(root, file.replace('.js', '.html')), 'utf8');
      const found = registrations(html, scorecardBlocks(html));
      assert.ok(found.length > 0, `${set}: no registerType found by the scorecard parser`);
      for (const def of found) {
        assert.deepEqual(def.notInline, [], `${def.type}: not inline: ${def.notInline.join(', ')}`);
      }
    }
    const types = defs.map((d) => d.type);
    for (const set of Object.keys(pkg['node-red']?.nodes ?? {})) {
      assert.ok(types.includes(set), `node set ${set} registers no type named ${set}`);
    }
  });

  it('N02: every non-config node appears in some example flow', function () {
    const examplesDir = join(root, 'examples');
    assert.ok(existsSync(examplesDir), 'no examples/ shipped');
    const files = allFiles(examplesDir).filter((f) => extname(f) === '.json');
    assert.ok(files.length > 0, 'no example flows');
    const used = new Set<string>();
    for (const file of files) {
      const flow = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      assert.ok(Array.isArray(flow), `${file}: not a flow array (the scorecard cannot read it)`);
      for (const n of flow as { type?: string }[]) if (n.type) used.add(n.type);
    }
    const missing = defs
      .filter((d) => d.category !== 'config' && !used.has(d.type))
      .map((d) => d.type);
    assert.deepEqual(missing, [], `no example uses: ${missing.join(', ')}`);
  });
});
