import helper = require('node-red-node-test-helper');
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hooks, i18n } from '@node-red/util';
import type { NodeAPI, NodeMessage } from 'node-red';
import accountNode = require('../../src/navien-account');

/** The runtime layer under test/nodes/harness.ts, which is what the node tests use. */
export { helper };

export const TAB = 'tab1';

/**
 * The test helper stubs RED._ with the identity and never reads our locales (the packed-package
 * e2e test proves Node-RED's own loading of them). Hand our modules a RED whose `_` is Node-RED's
 * real i18n, with our catalogs registered, so badges and warnings carry the texts users see.
 */
export function withCatalog(mod: (RED: NodeAPI) => void): (RED: NodeAPI) => void {
  return (red) =>
    mod(
      new Proxy(red, {
        get: (target, prop, receiver): unknown =>
          prop === '_' ? i18n._ : Reflect.get(target, prop, receiver),
      }),
    );
}

export function initRuntime(): void {
  helper.init(require.resolve('node-red'));
}

/** Starts the helper's runtime (which initialises i18n), then registers our catalogs with it. */
export async function startRuntime(): Promise<void> {
  await new Promise<void>((resolve) => helper.startServer(resolve));
  startInbox();
  const dir = join(__dirname, '..', '..', 'locales');
  for (const file of readdirSync(join(dir, 'en-US')).filter((f) => f.endsWith('.json'))) {
    await i18n.registerMessageCatalog(
      `node-red-contrib-navien/${file.replace(/\.json$/, '')}`,
      dir,
      file,
    );
  }
}

/** Unloads the flows and stops the server; the server stops even when unloading fails. */
export async function stopRuntime(): Promise<void> {
  stopInbox();
  try {
    await helper.unload();
  } finally {
    await new Promise<void>((resolve) => helper.stopServer(resolve));
  }
}

/** Node-RED settings a test runs with; `navienTimeouts` shortens the account's waits (src/node-red/timeout-settings.ts). */
export interface TestSettings {
  userDir: string;
  navienTimeouts?: { mqttReadyMs?: number; deviceAnswerMs?: number };
}

/** A flow node as tests write them (any extra properties). */
export type FlowNode = { id: string; type: string; [key: string]: unknown };

/** A navien-account config node pointing at loopback servers. */
export function accountConfig(
  apiUrl: string,
  mqttUrl = 'ws://127.0.0.1:9/mqtt',
  extra: Record<string, unknown> = {},
) {
  return {
    id: 'acc',
    type: 'navien-account',
    name: 'test account',
    apiUrl,
    mqttUrl,
    cacheTtl: 60,
    ...extra,
  };
}

/** A tab with a Catch node (-> 'caught') and a Status node (-> 'statuses'), as a user would wire them. */
export const catchNodes: FlowNode[] = [
  { id: 'tab1', type: 'tab', label: 'test' },
  { id: 'catchAll', type: 'catch', z: TAB, scope: null, uncaught: false, wires: [['caught']] },
  { id: 'caught', type: 'helper', z: TAB },
  { id: 'statusWatch', type: 'status', z: TAB, scope: null, wires: [['statuses']] },
  { id: 'statuses', type: 'helper', z: TAB },
];

/**
 * Every message each node received since the latest `helper.load()` (a Node-RED onReceive hook), so a
 * test can look at what a flow sent before `helper.load()` resolved: a status node may answer
 * faster than the test gets to attach a listener (issue 10).
 */
const inbox = new Map<string, Msg[]>();
const INBOX_HOOK = 'onReceive.navienTestInbox';
/** How many inputs each node finished (called done()) since the latest load: an onComplete hook. */
const completed = new Map<string, number>();
const COMPLETE_HOOK = 'onComplete.navienTestInbox';

export function completedBy(id: string): number {
  return completed.get(id) ?? 0;
}

export function inboxOf(id: string): Msg[] {
  let list = inbox.get(id);
  if (!list) {
    list = [];
    inbox.set(id, list);
  }
  return list;
}

// Each load starts a new inbox, so nodes of an earlier deploy with the same ids do not count.
const loadFlows = helper.load.bind(helper);
helper.load = (...args: Parameters<typeof helper.load>) => {
  inbox.clear();
  completed.clear();
  return loadFlows(...args);
};

function startInbox(): void {
  inbox.clear();
  completed.clear();
  stopInbox();
  hooks.add(INBOX_HOOK, (event: { msg: Msg; destination: { id: string } }) => {
    inboxOf(event.destination.id).push(event.msg);
  });
  hooks.add(COMPLETE_HOOK, (event: { node: { id: string } }) => {
    completed.set(event.node.id, completedBy(event.node.id) + 1);
  });
}

function stopInbox(): void {
  hooks.remove(INBOX_HOOK);
  hooks.remove(COMPLETE_HOOK);
}

export type Msg = NodeMessage & Record<string, unknown>;

export const accountModule = withCatalog(accountNode);
