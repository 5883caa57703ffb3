// The checks a Node-RED user would notice, run against a real Node-RED with the packed
// package installed: registration, help, message catalog, icons, examples, and one flow per
// node type producing output. Shared by package-load (Node-RED 4.1) and compat (3.1 / 5.x).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { helpBlocks, i18nKeys, resolves, splitNamespace, type Catalog } from './node-html';
import type { CommsClient, DebugMessage, NodeRedRuntime } from './nodered-runtime';
import { nodeSets, readPackageJson, repoRoot } from './packing';
import {
  listDevicesViaAdmin,
  nodeDefinitions,
  runSmokeFlows,
  type SimulatorEndpoints,
} from './smoke-flows';

export interface NodeSetInfo {
  id: string;
  name: string;
  types: string[];
  enabled: boolean;
  module: string;
  version?: string;
  err?: unknown;
}

export interface LoadContext {
  runtime: () => NodeRedRuntime;
  sim: () => SimulatorEndpoints;
  comms: () => CommsClient;
}

function exampleFiles(): string[] {
  const root = join(repoRoot, 'examples');
  if (!existsSync(root)) return [];
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((e) => {
      const full = join(dir, e);
      return statSync(full).isDirectory() ? walk(full) : full.endsWith('.json') ? [full] : [];
    });
  return walk(root).map((f) => relative(root, f));
}

/** Log lines that mean a node set failed to load or a flow errored at start. */
export function loadErrors(logs: string, pkgName: string): string[] {
  return logs
    .split('\n')
    .filter(
      (line) =>
        (line.includes(pkgName) && /\[(warn|error)\]/.test(line)) ||
        /Failed to register|Error loading|Waiting for missing types|Missing node modules/.test(
          line,
        ) ||
        /\[(error)\].*navien/i.test(line),
    );
}

/** Defines the load-and-smoke `it`s for the runtime the context provides. */
export function defineLoadChecks(ctx: LoadContext): void {
  const pkg = readPackageJson();
  const sets = Object.keys(nodeSets());

  it('registers every node set of package.json with no load error', async function () {
    const list = await ctx.runtime().getJson<NodeSetInfo[]>('/nodes');
    const ours = list.filter((s) => s.module === pkg.name);
    for (const set of sets) {
      const info = ours.find((s) => s.name === set);
      assert.ok(info, `node set ${set} not registered (Node-RED log:\n${ctx.runtime().logs})`);
      assert.equal(info.err, undefined, `${set}: ${JSON.stringify(info.err)}`);
      assert.equal(info.enabled, true, `${set} disabled`);
      assert.equal(info.version, pkg.version);
    }
    const types = ours.flatMap((s) => s.types);
    for (const type of nodeDefinitions().keys())
      assert.ok(types.includes(type), `${type} not registered`);
    assert.deepEqual(loadErrors(ctx.runtime().logs, pkg.name), []);
  });

  it('serves every node type: registerType and help in the editor HTML', async function () {
    const res = await ctx.runtime().get('/nodes', 'text/html');
    assert.equal(res.status, 200);
    const help = helpBlocks(res.body);
    for (const type of nodeDefinitions().keys()) {
      assert.match(
        res.body,
        new RegExp(`RED\\.nodes\\.registerType\\(\\s*['"]${type}['"]`),
        `${type}: no registerType`,
      );
      const text = (help.get(type) ?? '')
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      assert.ok(text.length > 40, `${type}: no help served (got "${text}")`);
    }
  });

  it('serves each message catalog, and every i18n key used in the editor HTML resolves', async function () {
    const runtime = ctx.runtime();
    const catalogs = new Map<string, Catalog>();
    const catalog = async (ns: string): Promise<Catalog> => {
      let c = catalogs.get(ns);
      if (!c) {
        c = await runtime.getJson<Catalog>(`/locales/${ns}?lng=en-US`);
        catalogs.set(ns, c);
      }
      return c;
    };
    const missing: string[] = [];
    for (const [set, file] of Object.entries(nodeSets())) {
      const own = await catalog(`${pkg.name}/${set}`);
      assert.ok(Object.keys(own).length > 0, `${set}: empty catalog`);
      const html = readFileSync(join(repoRoot, file.replace(/\.js$/, '.html')), 'utf8');
      for (const fullKey of i18nKeys(html)) {
        const { ns, key } = splitNamespace(fullKey);
        const c = ns ? await catalog(ns) : own;
        if (!resolves(c, key)) missing.push(`${set}: ${fullKey}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('lists and serves the icons the nodes use', async function () {
    const runtime = ctx.runtime();
    const icons = await runtime.getJson<Record<string, string[]>>('/icons');
    const ours = icons[pkg.name] ?? [];
    assert.ok(ours.length > 0, `no icons listed for ${pkg.name}`);
    for (const def of nodeDefinitions().values()) {
      if (def.icon && !def.icon.includes('/'))
        assert.ok(ours.includes(def.icon), `${def.type}: icon ${def.icon} not listed`);
    }
    for (const icon of ours) {
      const res = await runtime.get(`/icons/${pkg.name}/${icon}`, '*/*');
      assert.equal(res.status, 200, `${icon}: HTTP ${res.status}`);
      assert.match(res.contentType, /^image\//, `${icon}: served as ${res.contentType}`);
    }
  });

  it('lists the example flows under Import > Examples', async function () {
    const files = exampleFiles();
    assert.ok(files.length > 0, 'the package has no examples/');
    const res = await ctx.runtime().get(`/library/examples/flows/${pkg.name}/`);
    assert.equal(res.status, 200);
    for (const file of files) {
      const name =
        file
          .replace(/\.json$/, '')
          .split('/')
          .pop() ?? file;
      assert.ok(res.body.includes(JSON.stringify(name)), `example ${file} not listed: ${res.body}`);
    }
  });

  it('one flow per node type deploys against the simulator and produces output', async function () {
    this.timeout(180_000);
    const runtime = ctx.runtime();
    const devices = await listDevicesViaAdmin(runtime, ctx.sim());
    assert.ok(devices.length > 0, 'the admin endpoint listed no devices');
    const mac = devices[0]?.macAddress ?? '';
    const outputs = await runSmokeFlows(runtime, ctx.comms(), ctx.sim(), mac);
    for (const [type, msg] of outputs) assertUsefulOutput(type, msg);
  });
}

/** A debug message with a payload that is not an error. */
export function assertUsefulOutput(type: string, msg: DebugMessage): void {
  const parsed = JSON.parse(msg.msg) as { payload?: unknown; error?: unknown };
  assert.ok(
    parsed.payload !== undefined && parsed.payload !== null,
    `${type}: no payload in ${msg.msg}`,
  );
  assert.equal(parsed.error, undefined, `${type}: error in ${msg.msg}`);
}
