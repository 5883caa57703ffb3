// `npm start` (scripts/demo.mjs) as a newcomer meets it: it keeps their work across restarts,
// `--reset` restores the demo, every way of stopping it frees its ports, and the simulator's
// test login never reaches anything but the simulator.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  alive,
  childrenOf,
  DEMO_SCRIPT,
  DemoProcess,
  demoEnvironment,
  portOpen,
} from '../support/demo-process';
import { delay, type FlowNode } from '../support/nodered-runtime';
import { makeTempDir } from '../support/packing';

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const ids = (dir: string): string[] =>
  readJson<FlowNode[]>(join(dir, 'flows.json')).map((n) => n.id);

async function assertAllGone(demo: DemoProcess, nodeRed: number[]): Promise<void> {
  for (const pid of nodeRed) assert.equal(alive(pid), false, `Node-RED (pid ${pid}) survived`);
  for (const port of [demo.port, demo.restPort, demo.mqttPort])
    assert.equal(await portOpen(port), false, `port ${port} still open`);
}

describe('e2e: the demo (npm start)', function () {
  this.timeout(300_000);
  let demo: DemoProcess | undefined;

  afterEach(async function () {
    await demo?.kill();
    demo = undefined;
  });

  it("keeps the user's flows and palette packages across restarts, --reset restores, no stale-token warning", async function () {
    const dir = makeTempDir('demo-restart');
    // A login in the caller's environment must not reach the demo's Node-RED.
    const env = { NAVIEN_EMAIL: 'someone@example.com', NAVIEN_PASSWORD: 'not-for-the-demo' };
    demo = await DemoProcess.start({ dir, env });
    await demo.waitForLog(/signed in/);
    const first = ids(dir);
    for (const id of ['demo-status', 'demo-control', 'demo-dash-card', 'demo-dash-setpoint'])
      assert.ok(first.includes(id), `first start wrote no ${id}`);
    // The test login is the demo account's credential, and nothing else knows it.
    assert.deepEqual(Object.keys(readJson<object>(join(dir, 'flows_cred.json'))), ['demo-account']);
    const [nodeRed] = childrenOf(demo.pid);
    const environ = readFileSync(`/proc/${nodeRed}/environ`, 'utf8').split('\0');
    assert.deepEqual(
      environ.filter((e) => /^NAVIEN_(EMAIL|PASSWORD)=/.test(e)),
      [],
      "Node-RED's environment carries a login",
    );
    demo.child.kill('SIGTERM');
    assert.ok(await demo.waitForExit(20_000), 'the demo did not stop');

    // The user edits the flow and installs a palette package.
    const flows = readJson<FlowNode[]>(join(dir, 'flows.json')).filter((n) => n.id !== 'demo-list');
    flows.push({ id: 'my-note', type: 'comment', z: 'demo-tab', name: 'mine', wires: [] });
    writeFileSync(join(dir, 'flows.json'), JSON.stringify(flows));
    const pkg = readJson<{ dependencies: Record<string, string> }>(join(dir, 'package.json'));
    pkg.dependencies['node-red-contrib-users-own'] = '1.2.3';
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));

    const { port, restPort, mqttPort } = demo;
    demo = await DemoProcess.start({ dir, ports: { port, restPort, mqttPort } });
    await demo.waitForLog(/signed in/);
    // Connected over MQTT: sign-in and the credentials it needed are behind us, so a refused
    // token would have been logged by now.
    await demo.waitForLog(/navien mqtt: connected/);
    const second = ids(dir);
    assert.ok(second.includes('my-note'), "the user's node is gone");
    assert.ok(!second.includes('demo-list'), 'the node the user deleted came back');
    assert.equal(
      readJson<typeof pkg>(join(dir, 'package.json')).dependencies['node-red-contrib-users-own'],
      '1.2.3',
    );
    const complaints = demo.logs
      .split('\n')
      .filter(
        (line) =>
          (/\[(warn|error)\]/.test(line) && /navien/i.test(line)) ||
          /rejected|refused|\b401\b/i.test(line),
      );
    assert.deepEqual(complaints, [], 'the restart logged warnings');
    demo.child.kill('SIGTERM');
    assert.ok(await demo.waitForExit(20_000), 'the demo did not stop');

    demo = await DemoProcess.start({ dir, args: ['--reset'] });
    const third = ids(dir);
    assert.ok(third.includes('demo-list'), '--reset did not restore the demo flow');
    assert.ok(!third.includes('my-note'), '--reset kept the old flow');
  });

  it('starts its flows without the dashboard (NAVIEN_DEMO_DASHBOARD=0) and adds it on a later start', async function () {
    const dir = makeTempDir('demo-no-dashboard');
    // start() returns once Node-RED has started its flows: with a missing node type it never would.
    demo = await DemoProcess.start({ dir, env: { NAVIEN_DEMO_DASHBOARD: '0' } });
    await demo.waitForLog(/signed in/);
    assert.match(demo.logs, /Demo: no dashboard \(NAVIEN_DEMO_DASHBOARD=0\)/);
    assert.doesNotMatch(demo.logs, /missing types|\/dashboard/);
    const types = readJson<FlowNode[]>(join(dir, 'flows.json')).map((n) => n.type);
    assert.deepEqual(
      types.filter((t) => t.startsWith('ui-')),
      [],
    );
    assert.ok(ids(dir).includes('demo-status'), 'the demo flow is missing');
    demo.child.kill('SIGTERM');
    assert.ok(await demo.waitForExit(20_000), 'the demo did not stop');

    const { port, restPort, mqttPort } = demo;
    demo = await DemoProcess.start({ dir, ports: { port, restPort, mqttPort } });
    assert.match(demo.logs, /Demo: added the dashboard/);
    assert.doesNotMatch(demo.logs, /Demo: added the flow/);
    assert.ok(ids(dir).includes('demo-dash-card'), 'the dashboard was not added');
    assert.match(demo.logs, /\/dashboard/);
  });

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGKILL'] as const) {
    it(`${signal} to the demo stops Node-RED and the simulator`, async function () {
      demo = await DemoProcess.start();
      const nodeRed = childrenOf(demo.pid);
      assert.equal(nodeRed.length, 1, 'expected one Node-RED child');
      demo.child.kill(signal);
      assert.ok(await demo.waitForExit(20_000), `the demo ignored ${signal}`);
      // SIGKILL leaves Node-RED to notice its parent is gone.
      const deadline = Date.now() + 20_000;
      while (nodeRed.some(alive) && Date.now() < deadline) await delay(200);
      await assertAllGone(demo, nodeRed);
    });
  }

  it('stops Node-RED and the simulator when its parent exits without a signal', async function () {
    // A parent (like npm) that starts the demo and then dies: the demo is left an orphan.
    const where = await demoEnvironment();
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `require('child_process').spawn(process.execPath, [${JSON.stringify(DEMO_SCRIPT)}], { stdio: 'inherit' }); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: where.env },
    );
    let out = '';
    parent.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 90_000;
    while (!/Open http/.test(out) && Date.now() < deadline) await delay(200);
    const [demoPid] = childrenOf(parent.pid ?? -1);
    assert.ok(demoPid, `no demo under the parent:\n${out}`);
    const nodeRed = childrenOf(demoPid);
    parent.kill('SIGKILL');
    const stopBy = Date.now() + 30_000;
    while ((alive(demoPid) || nodeRed.some(alive)) && Date.now() < stopBy) await delay(200);
    assert.equal(alive(demoPid), false, 'the orphaned demo kept running');
    for (const pid of nodeRed) assert.equal(alive(pid), false, 'Node-RED survived');
    for (const port of [where.port, where.restPort, where.mqttPort])
      assert.equal(await portOpen(port), false, `port ${port} still open`);
  });
});
