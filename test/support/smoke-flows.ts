// One small flow per node type of package.json, against the loopback simulator:
// inject -> node -> debug (complete msg), all sharing one navien-account config node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommsClient, DebugMessage, FlowNode, NodeRedRuntime } from './nodered-runtime';
import { registrations, type Registration } from './node-html';
import { nodeSets, repoRoot } from './packing';

export interface SimulatorEndpoints {
  apiUrl: string;
  mqttUrl: string;
  email: string;
  password: string;
}

export const TAB_ID = 'e2etab';
export const ACCOUNT_ID = 'e2eaccount';

/** Every registerType of the package's editor HTML, by type. */
export function nodeDefinitions(): Map<string, Registration> {
  const defs = new Map<string, Registration>();
  for (const file of Object.values(nodeSets())) {
    const html = readFileSync(join(repoRoot, file.replace(/\.js$/, '.html')), 'utf8');
    for (const reg of registrations(html)) defs.set(reg.type, reg);
  }
  return defs;
}

/** Node types the user places in flows (not config nodes). */
export function flowNodeTypes(): string[] {
  return [...nodeDefinitions().values()].filter((d) => d.category !== 'config').map((d) => d.type);
}

export function accountNode(sim: SimulatorEndpoints, id = ACCOUNT_ID): FlowNode {
  return {
    id,
    type: 'navien-account',
    name: 'e2e account',
    apiUrl: sim.apiUrl,
    mqttUrl: sim.mqttUrl,
    cacheTtl: 60,
    // As the editor sends them on deploy: inside the node object.
    credentials: { email: sim.email, password: sim.password },
  };
}

export interface SmokeCase {
  type: string;
  nodeId: string;
  injectId: string;
  debugId: string;
}

/** Extra node settings and the injected payload per type (defaults: device = first heater). */
function settingsFor(
  type: string,
  def: Registration | undefined,
  mac: string,
): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  if (def?.defaults.includes('device')) settings.device = mac;
  if (type === 'navien-status') settings.interval = 0;
  return settings;
}

/** What each type's inject sends: a command for navien-control, a timestamp otherwise. */
function injectPayload(type: string): Record<string, unknown> {
  if (type === 'navien-control') {
    const command = '{"temperature":125}';
    return {
      props: [{ p: 'payload', v: command, vt: 'json' }],
      payload: command,
      payloadType: 'json',
    };
  }
  return { props: [{ p: 'payload' }], payload: '', payloadType: 'date' };
}

export function smokeFlows(
  sim: SimulatorEndpoints,
  mac: string,
): { flows: FlowNode[]; cases: SmokeCase[] } {
  const defs = nodeDefinitions();
  const flows: FlowNode[] = [
    { id: TAB_ID, type: 'tab', label: 'e2e smoke' },
    { ...accountNode(sim) },
  ];
  const cases: SmokeCase[] = [];
  flowNodeTypes().forEach((type, i) => {
    const key = type.replace(/[^a-z0-9]/gi, '');
    const c: SmokeCase = { type, nodeId: `n${key}`, injectId: `i${key}`, debugId: `d${key}` };
    cases.push(c);
    const y = 60 + i * 60;
    flows.push(
      {
        id: c.injectId,
        type: 'inject',
        z: TAB_ID,
        name: `trigger ${type}`,
        ...injectPayload(type),
        repeat: '',
        once: false,
        x: 120,
        y,
        wires: [[c.nodeId]],
      },
      {
        id: c.nodeId,
        type,
        z: TAB_ID,
        name: '',
        account: ACCOUNT_ID,
        ...settingsFor(type, defs.get(type), mac),
        x: 320,
        y,
        wires: [[c.debugId]],
      },
      {
        id: c.debugId,
        type: 'debug',
        z: TAB_ID,
        name: `out ${type}`,
        active: true,
        tosidebar: true,
        console: false,
        tostatus: false,
        complete: 'true',
        targetType: 'full',
        x: 540,
        y,
        wires: [],
      },
    );
  });
  return { flows, cases };
}

/** Deploys the account alone and asks the admin endpoint for the simulator's devices. */
export async function listDevicesViaAdmin(
  runtime: NodeRedRuntime,
  sim: SimulatorEndpoints,
): Promise<{ macAddress: string; deviceName: string }[]> {
  await runtime.deploy([{ ...accountNode(sim) }]);
  const res = await runtime.get(`/navien/accounts/${ACCOUNT_ID}/devices`);
  if (res.status !== 200) throw new Error(`device list: HTTP ${res.status} ${res.body}`);
  return JSON.parse(res.body) as { macAddress: string; deviceName: string }[];
}

/** Deploys one flow per node type, triggers each, and returns each type's first debug message. */
export async function runSmokeFlows(
  runtime: NodeRedRuntime,
  comms: CommsClient,
  sim: SimulatorEndpoints,
  mac: string,
): Promise<Map<string, DebugMessage>> {
  const { flows, cases } = smokeFlows(sim, mac);
  await runtime.deploy(flows);
  const out = new Map<string, DebugMessage>();
  for (const c of cases) {
    await runtime.inject(c.injectId);
    out.set(c.type, await comms.waitForDebug(c.debugId, 20_000));
  }
  return out;
}
