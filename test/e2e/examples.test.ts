// Every example flow, as a user imports it from Import > Examples, deployed into a real
// Node-RED 4.1 with the PACKED package, its account pointed at the loopback simulator.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { type CommsClient, type FlowNode, NodeRedRuntime, delay } from '../support/nodered-runtime';
import { repoRoot } from '../support/packing';

const EXAMPLES_DIR = join(repoRoot, 'examples');
/**
 * Dashboard 2 nodes: users install @flowfuse/node-red-dashboard (the examples' comments say so);
 * here it is a devDependency, which this Node-RED (run from the repo's node_modules) loads too, so
 * the dashboard examples deploy whole.
 */
const DASHBOARD_TYPE_PREFIX = 'ui-';
const CORE_TYPES = new Set([
  'tab',
  'comment',
  'inject',
  'debug',
  'catch',
  'status',
  'complete',
  'function',
  'change',
  'switch',
  'template',
  'delay',
  'trigger',
  'rbe',
  'filter',
  'join',
  'split',
  'range',
  'link in',
  'link out',
  'group',
]);
const PROBE = 'probe:';
const SHARED_ACCOUNT_ID = 'navien-example-account';
const IMPORT_TAB = 'imported-example';

interface Example {
  file: string;
  nodes: FlowNode[];
}

function loadExamples(): Example[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      nodes: JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as FlowNode[],
    }));
}

const isNavienFlowNode = (n: FlowNode): boolean =>
  n.type.startsWith('navien-') && n.type !== 'navien-account';

/**
 * What the test deploys: the example with its accounts pointed at the simulator, a tab if the
 * export has none, and a probe debug node on the output of every Navien node (so alerts that
 * only fire on a condition still show the node worked).
 */
function prepare(example: Example, sim: Simulator): FlowNode[] {
  const nodes = example.nodes.map((n) => structuredClone(n));
  const kept = new Set(nodes.map((n) => n.id));
  const tabs = new Set(nodes.filter((n) => n.type === 'tab').map((n) => n.id));
  const extra: FlowNode[] = [];
  for (const n of nodes) {
    if (Array.isArray(n.wires)) {
      n.wires = (n.wires as string[][]).map((port) => port.filter((id) => kept.has(id)));
    }
    if (n.type === 'navien-account') {
      n.apiUrl = sim.apiUrl;
      n.mqttUrl = sim.mqttUrl;
      n.credentials = { email: sim.email, password: sim.password };
    }
    // Examples carry no tab: Import puts their flow nodes on the current tab.
    if (n.type !== 'tab' && 'wires' in n && typeof n.z !== 'string') {
      n.z = IMPORT_TAB;
    }
    if (typeof n.z === 'string' && !tabs.has(n.z)) {
      tabs.add(n.z);
      extra.push({ id: n.z, type: 'tab', label: example.file });
    }
    if (isNavienFlowNode(n)) {
      const probe = `${PROBE}${n.id}`;
      const wires = (n.wires as string[][] | undefined) ?? [[]];
      n.wires = [[...(wires[0] ?? []), probe], ...wires.slice(1)];
      extra.push({
        id: probe,
        type: 'debug',
        z: n.z,
        active: true,
        tosidebar: true,
        complete: 'true',
        targetType: 'full',
        wires: [],
      });
    }
  }
  return [...extra, ...nodes];
}

/**
 * By the time the events examples run, earlier examples have left the simulated tanks charged
 * and idle, so an alert on heating would have nothing to report. After the events node's
 * baseline, one heater says (as the device would, on its own topic) that its elements came on.
 */
async function playElementHeating(sim: Simulator): Promise<void> {
  await delay(1500);
  const heater = [...sim.heaters.values()].find(
    (h) => h.connected && Number(h.status().errorCode) === 0,
  );
  if (!heater) return;
  const status = { ...heater.status(), compUse: 1, heatUpperUse: 2, heatLowerUse: 1 };
  await sim.broker.publish(`cmd/52/navilink-${heater.mac}/e2e-device/res`, {
    protocolVersion: 2,
    response: { command: 16777219, deviceType: 52, macAddress: heater.mac, status },
  });
}

describe('e2e: every example flow deploys and works against the simulator', function () {
  this.timeout(300_000);
  const examples = loadExamples();
  let sim: Simulator | undefined;
  let runtime: NodeRedRuntime | undefined;
  let comms: CommsClient | undefined;

  before(async function () {
    // The first heater reports a water leak, so the leak example's events node has one to act on.
    sim = await startSimulator({ host: '127.0.0.1', devices: 2, faults: { errorCode: 799 } });
    runtime = await NodeRedRuntime.start();
    comms = await runtime.comms();
  });

  after(async function () {
    comms?.close();
    await runtime?.stop();
    await sim?.close();
  });

  it('ships examples, and every node type they use is ours, core, or the optional dashboard', function () {
    assert.ok(examples.length >= 10, `only ${examples.length} examples`);
    for (const { file, nodes } of examples) {
      for (const n of nodes) {
        const known =
          n.type.startsWith('navien-') ||
          CORE_TYPES.has(n.type) ||
          n.type.startsWith(DASHBOARD_TYPE_PREFIX);
        assert.ok(known, `${file}: unexpected node type ${n.type}`);
      }
      const accounts = nodes.filter((n) => n.type === 'navien-account');
      assert.ok(accounts.length > 0, `${file} has no navien-account`);
      for (const a of accounts) {
        assert.equal(a.credentials, undefined, `${file} ships credentials`);
      }
      // One account node for every example (same id), so importing a second one reuses it.
      if (!file.startsWith('00 ')) {
        assert.deepEqual(
          accounts.map((a) => [a.id, a.apiUrl, a.mqttUrl]),
          [[SHARED_ACCOUNT_ID, '', '']],
          `${file}: not the shared account with empty URLs`,
        );
      }
    }
  });

  it('14 and 17 give each heater its own chart series, named after the heater', function () {
    const fn = (file: string, id: string): ((msg: object) => unknown) => {
      const node = examples.find((e) => e.file === file)?.nodes.find((n) => n.id === id);
      const store = new Map<string, unknown>();
      const context = {
        get: (k: string) => store.get(k),
        set: (k: string, v: unknown) => store.set(k, v),
      };
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the example's own code
      const body = new Function('msg', 'node', 'context', String(node?.func)) as (
        ...a: unknown[]
      ) => unknown;
      return (msg) => body(msg, { status: () => undefined }, context);
    };
    const split = fn('14 - Dashboard.json', 'ex14-split');
    const series = (name: string, mac: string): string[] =>
      (
        split({ payload: { deviceName: name, macAddress: mac, dhwTemperature: 120 } }) as {
          topic: string;
        }[]
      ).map((m) => m.topic);
    assert.deepEqual(series('Upstairs', 'aa'), ['Upstairs', 'Upstairs', 'Upstairs']);
    assert.deepEqual(series('Garage', 'bb'), ['Garage', 'Garage', 'Garage']);

    const points = fn('17 - Energy chart.json', 'ex17-points');
    const month = {
      months: [{ days: [{ day: 1, heatPumpWh: 1000, elementWh: 500 }] }],
      totals: { totalWh: 1500 },
    };
    points({ topic: 'navien/aa/energy', device: { deviceName: 'Upstairs' }, payload: month });
    const both = points({
      topic: 'navien/bb/energy',
      device: { deviceName: 'Garage' },
      payload: month,
    }) as {
      payload: { source: string }[];
    };
    assert.deepEqual(both.payload.map((p) => p.source).sort(), [
      'Garage: elements',
      'Garage: heat pump',
      'Upstairs: elements',
      'Upstairs: heat pump',
    ]);
  });

  for (const example of examples) {
    it(`${example.file}`, async function () {
      const r = runtime!;
      const c = comms!;
      const s = sim!;
      const flows = prepare(example, s);
      const logBefore = r.logs.length;
      const debugBefore = c.debug.length;
      // deploy() waits for "Started flows" and fails on missing node types.
      await r.deploy(flows);
      for (const inject of flows.filter((n) => n.type === 'inject')) {
        await r.inject(inject.id);
        await delay(300);
      }
      if (flows.some((n) => n.type === 'navien-events')) await playElementHeating(s);
      const navienNodes = flows.filter(isNavienFlowNode);
      const catches = flows.filter((n) => n.type === 'catch');
      const caughtDebugIds = new Set(
        flows
          .filter((n) => n.type === 'debug')
          .map((n) => n.id)
          .filter((id) => catches.length > 0 && !id.startsWith(PROBE)),
      );
      const deadline = Date.now() + 30_000;
      const pending = (): string[] =>
        navienNodes
          .filter((n) => {
            const seen = c.debug.slice(debugBefore);
            const produced = seen.some((m) => m.id === `${PROBE}${n.id}`);
            const caught = seen.some((m) => caughtDebugIds.has(m.id) && m.msg.includes(n.id));
            return !produced && !caught;
          })
          .map((n) => `${n.type} ${n.id}`);
      while (pending().length > 0 && Date.now() < deadline) await delay(200);
      const log = r.logs.slice(logBefore);
      assert.doesNotMatch(log, /Waiting for missing types/, `${example.file}: missing node types`);
      assert.deepEqual(
        pending(),
        [],
        `${example.file}: no output or caught error from these nodes`,
      );
      const errors = log.split('\n').filter((line) => /\[error\]/.test(line));
      assert.deepEqual(errors, [], `${example.file}: errors logged`);
    });
  }
});
