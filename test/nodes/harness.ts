/**
 * The one end-to-end setup of the node tests: `nodeHarness()` inside a `describe` starts the
 * simulated cloud once for the suite, a fresh Node-RED test runtime (with our catalogs and its own
 * user directory) for every test, deploys flows with the account already pointing at the
 * simulator, hands out typed handles, and tears everything down in `afterEach`, which mocha
 * runs whether the test passed, failed or timed out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, NodeAPI } from 'node-red';
import sinon, { type SinonFakeTimers, type SinonSpy } from 'sinon';
import type { Heater, SimulatorOptions, Simulator } from '../../src/simulator';
import { startSimulator } from '../../src/simulator';
import type { PublishObserver, SubscribeObserver } from '../../src/simulator/broker';
import {
  DEMO_EMAIL,
  DEMO_PASSWORD,
  startRestServer,
  type RestServer,
  type RestServerOptions,
} from '../../src/simulator/rest-server';
import type { AccountNode } from '../../src/node-red/types';
import { cancelWaits, waitFor } from '../support/wait';
import {
  TAB,
  accountConfig,
  accountModule,
  catchNodes,
  completedBy,
  helper,
  initRuntime,
  inboxOf,
  startRuntime,
  stopRuntime,
  withCatalog,
  type FlowNode,
  type Msg,
  type TestSettings,
} from './flow-helpers';

export type { FlowNode, Msg } from './flow-helpers';
export { rejection, waitFor } from '../support/wait';

/** Where an account signs in: the simulator, a REST-only server, or any cloud a test starts. */
export interface Cloud {
  readonly apiUrl: string;
  /** None: the account's MQTT URL points at a closed loopback port. */
  readonly mqttUrl?: string;
  readonly email: string;
  readonly password: string;
}

export interface HarnessOptions {
  /** The node modules under test; the account is always there. Each gets our message catalogs. */
  nodes: ((RED: NodeAPI) => void)[];
  /** Starts the whole simulated cloud (REST + aedes MQTT on loopback) once for the suite. */
  simulator?: SimulatorOptions;
  /** Or only the REST simulator, for nodes that need no MQTT. */
  rest?: RestServerOptions;
  /** The account's waits in every test (src/node-red/timeout-settings.ts). */
  navienTimeouts?: TestSettings['navienTimeouts'];
}

export interface LoadOptions {
  /** Another cloud the test started (default: the suite's). */
  cloud?: Cloud;
  /** Fields over the account config node (id 'acc' pointing at the cloud). */
  account?: Record<string, unknown>;
  /** Credentials by node id (default: the cloud's login for the account). */
  credentials?: Record<string, { email?: string; password?: string }>;
  /** The Catch ('caught') and Status ('statuses') nodes; false leaves a bare tab. Default true. */
  watchers?: boolean;
}

export interface Harness {
  readonly sim: Simulator;
  readonly rest: RestServer;
  /** The MACs of the simulator's heaters. */
  readonly macs: string[];
  /** The simulator's first heater. */
  first(): { mac: string; heater: Heater };
  /** This test's Node-RED user directory (tokens are kept there). */
  readonly userDir: string;
  /**
   * Deploys the tab, the Catch and Status watchers, the account (id 'acc', signed in to the
   * suite's cloud) and `nodes`; nodes without `z` go on the tab, and every wire target that is
   * not in the flow becomes a helper (sink) node. Refused once the test is over.
   */
  load(nodes: FlowNode[], opts?: LoadOptions): Promise<void>;
  unload(): Promise<void>;
  /** A deployed node (a helper node records what it receives). */
  node<T = Node>(id: string): T;
  /** The deployed account's session, MQTT link and caches. */
  account(id?: string): NonNullable<AccountNode['account']>;
  /** Everything node `id` received since the latest load (a live array). */
  inbox(id: string): Msg[];
  /** Everything node `id` receives from now on (a live array). */
  collect(id: string): Msg[];
  /** The first `count` messages node `id` received since the latest load. */
  received(id: string, count?: number, timeoutMs?: number): Promise<Msg[]>;
  /** The next `count` messages node `id` receives from now on (within 10 s). */
  next(id: string, count?: number, timeoutMs?: number): Promise<Msg[]>;
  /** Resolves once node `id` has finished (called done() for) `count` inputs since the load. */
  handled(id: string, count?: number, timeoutMs?: number): Promise<void>;
  /** Hands `msg` to node `nodeId` and resolves with the next message at `at` (within 20 s). */
  send(nodeId: string, msg: Record<string, unknown>, at?: string, timeoutMs?: number): Promise<Msg>;
  /** The account's waits for the next load (see HarnessOptions.navienTimeouts). */
  settings(navienTimeouts: TestSettings['navienTimeouts']): void;
  /** Every publish a client makes from now on (on the topics `only` keeps), parsed (a live array). */
  wire(only?: (topic: string) => boolean): WirePublish[];
  /**
   * Fakes only setInterval/clearInterval (the nodes' poll timers) until the test ends; sockets,
   * timeouts and the runtime keep real time. `tickAsync` moves the polls on.
   */
  fakePollTimers(): SinonFakeTimers;
  /** What the broker sees for one heater from now on: status requests (when) and subscriptions. */
  watchHeater(mac: string): { statusRequests: number[]; subscriptions: string[] };
  /** Broker observers that end with the test. */
  onPublish(handler: PublishObserver): () => void;
  onSubscribe(handler: SubscribeObserver): () => void;
  /** Another simulator, closed after the test. */
  startSimulator(opts?: SimulatorOptions): Promise<Simulator>;
  /** The runtime's log spy (every node's log, warn and error calls). */
  log(): SinonSpy;
  /** A supertest agent on the runtime's admin HTTP API. */
  request(): ReturnType<typeof helper.request>;
}

/** A request as it reached the broker: its topic and the envelope's fields. */
export interface WirePublish {
  topic: string;
  clientID: string;
  sessionID?: string;
  protocolVersion?: number;
  requestTopic?: string;
  responseTopic: string;
  request: Record<string, unknown> & { command: number };
}

const CONFIG_TYPES = new Set(['tab', 'navien-account']);
/** The protocol's status request command (§9.2). */
const STATUS_REQUEST = 16777219;

/** Our key travels in the same settings object Node-RED hands to RED.settings. */
function useSettings(settings: TestSettings): void {
  helper.settings(settings);
}

/** Puts nodes on the tab and adds a helper node for every wire target the flow does not define. */
function completeFlow(nodes: FlowNode[]): FlowNode[] {
  const flow = nodes.map((n) => (CONFIG_TYPES.has(n.type) || 'z' in n ? n : { z: TAB, ...n }));
  const ids = new Set(flow.map((n) => n.id));
  for (const n of nodes) {
    for (const port of (n.wires as string[][] | undefined) ?? []) {
      for (const target of port) {
        if (ids.has(target)) continue;
        ids.add(target);
        flow.push({ id: target, type: 'helper', z: TAB });
      }
    }
  }
  return flow;
}

/** Call inside a `describe`: registers the suite's hooks and returns the tests' handles. */
export function nodeHarness(opts: HarnessOptions): Harness {
  const modules = [accountModule, ...opts.nodes.map(withCatalog)];
  let sim: Simulator | undefined;
  let rest: RestServer | undefined;
  let userDir = '';
  let inTest = false;
  let loading: Promise<unknown> = Promise.resolve();
  /** What a test set up that must end with it: observers, message waits, extra simulators. */
  let cleanups: (() => unknown)[] = [];

  const cloud = (): Cloud => {
    if (sim) return sim;
    if (rest) return { apiUrl: rest.url, email: DEMO_EMAIL, password: DEMO_PASSWORD };
    throw new Error('the simulated cloud did not start');
  };
  const getNode = (id: string): Node => {
    const node = helper.getNode(id);
    if (!node) throw new Error(`no deployed node ${id}`);
    return node;
  };
  const untilTestEnds = (fn: () => unknown): (() => void) => {
    cleanups.push(fn);
    return () => {
      cleanups = cleanups.filter((c) => c !== fn);
      void fn();
    };
  };

  function next(id: string, count = 1, timeoutMs = 10_000): Promise<Msg[]> {
    const node = getNode(id);
    return new Promise((resolve, reject) => {
      const got: Msg[] = [];
      const finish = (err?: Error): void => {
        cleanups = cleanups.filter((c) => c !== cancel);
        clearTimeout(timer);
        node.removeListener('input', onInput);
        if (err) reject(err);
        else resolve(got);
      };
      const cancel = (): void => finish(new Error(`the test is over (messages at ${id})`));
      const timer = setTimeout(
        () => finish(new Error(`expected ${count} message(s) at ${id}, got ${got.length}`)),
        timeoutMs,
      );
      const onInput = (msg: Msg): void => {
        got.push(msg);
        if (got.length === count) finish();
      };
      cleanups.push(cancel);
      node.on('input', onInput);
    });
  }

  const h: Harness = {
    get sim(): Simulator {
      if (!sim) throw new Error('the simulator did not start');
      return sim;
    },
    get rest(): RestServer {
      if (!rest) throw new Error('the REST server did not start');
      return rest;
    },
    get macs(): string[] {
      return [...h.sim.heaters.keys()];
    },
    first() {
      const [entry] = h.sim.heaters.entries();
      if (!entry) throw new Error('the simulator has no heater');
      return { mac: entry[0], heater: entry[1] };
    },
    get userDir(): string {
      return userDir;
    },
    async load(nodes, load = {}) {
      if (!inTest) throw new Error('the test is over: no more deploys');
      const target = load.cloud ?? cloud();
      const account = { ...accountConfig(target.apiUrl, target.mqttUrl), ...load.account };
      const credentials = load.credentials ?? {
        [account.id]: { email: target.email, password: target.password },
      };
      const watchers = load.watchers === false ? catchNodes.slice(0, 1) : catchNodes;
      loading = helper.load(modules, completeFlow([...watchers, account, ...nodes]), credentials);
      await loading;
    },
    unload: () => helper.unload(),
    node: <T = Node>(id: string): T => getNode(id) as T,
    account(id = 'acc') {
      const account = h.node<AccountNode>(id).account;
      if (!account) throw new Error(`account ${id} has no session (configError)`);
      return account;
    },
    inbox: (id) => inboxOf(id),
    collect(id) {
      const got: Msg[] = [];
      getNode(id).on('input', (msg: Msg) => got.push(msg));
      return got;
    },
    async received(id, count = 1, timeoutMs = 10_000) {
      const seen = inboxOf(id);
      await waitFor(() => seen.length >= count, {
        timeout: timeoutMs,
        what: `${count} message(s) at ${id}`,
      });
      return seen.slice(0, count);
    },
    next,
    handled: (id, count = 1, timeoutMs = 10_000) =>
      waitFor(() => completedBy(id) >= count, {
        timeout: timeoutMs,
        what: `${id} to finish ${count} input(s)`,
      }),
    async send(nodeId, msg, at = 'out', timeoutMs = 20_000) {
      const got = next(at, 1, timeoutMs);
      getNode(nodeId).receive(msg);
      const [first] = await got;
      return first;
    },
    settings(navienTimeouts) {
      useSettings({ userDir, navienTimeouts });
    },
    wire(only = () => true) {
      const published: WirePublish[] = [];
      h.onPublish(({ topic, payload }) => {
        if (!only(topic)) return;
        published.push({
          topic,
          ...(JSON.parse(payload.toString('utf8')) as object),
        } as WirePublish);
      });
      return published;
    },
    fakePollTimers() {
      const clock = sinon.useFakeTimers({
        now: Date.now(),
        toFake: ['setInterval', 'clearInterval'],
        shouldAdvanceTime: false,
      });
      // First of the cleanups: the rest of the teardown runs on real timers.
      cleanups.unshift(() => clock.restore());
      return clock;
    },
    watchHeater(mac) {
      const seen = { statusRequests: [] as number[], subscriptions: [] as string[] };
      h.onPublish((p) => {
        if (!p.topic.includes(mac)) return;
        const body = JSON.parse(p.payload.toString()) as { request?: { command?: number } };
        if (body.request?.command === STATUS_REQUEST) seen.statusRequests.push(Date.now());
      });
      h.onSubscribe((subs) =>
        seen.subscriptions.push(...subs.map((s) => s.topic).filter((t) => t.includes(mac))),
      );
      return seen;
    },
    onPublish: (handler) => untilTestEnds(h.sim.broker.onPublish(handler)),
    onSubscribe: (handler) => untilTestEnds(h.sim.broker.onSubscribe(handler)),
    async startSimulator(simOpts) {
      const extra = await startSimulator(simOpts);
      // After the runtime is gone: its nodes may be talking to this simulator until then.
      cleanups.push(async () => {
        await helper.unload();
        await extra.close();
      });
      return extra;
    },
    log: () => helper.log(),
    request: () => helper.request(),
  };

  before(async function () {
    initRuntime();
    if (opts.simulator) sim = await startSimulator(opts.simulator);
    if (opts.rest) rest = await startRestServer(opts.rest);
  });
  after(async function () {
    try {
      await sim?.close();
    } finally {
      await rest?.close();
    }
  });
  beforeEach(async function () {
    userDir = mkdtempSync(join(tmpdir(), 'navien-nodes-'));
    useSettings({ userDir, navienTimeouts: opts.navienTimeouts });
    inTest = true;
    await startRuntime();
  });
  afterEach(async function () {
    // A test that failed or timed out may still be running: stop its waits and deploys first.
    inTest = false;
    cancelWaits();
    const errors: unknown[] = [];
    const attempt = async (step: () => unknown): Promise<void> => {
      try {
        await step();
      } catch (err) {
        errors.push(err);
      }
    };
    // The test reports its own failed deploy; teardown only waits for it to settle.
    await loading.catch(() => undefined);
    for (const cleanup of cleanups.splice(0)) await attempt(cleanup);
    await attempt(stopRuntime);
    // The suite's simulator outlives the test: an answer still on its way to this test's client
    // would otherwise reach the next test's device wildcard as an extra status.
    await attempt(() => sim?.idle());
    rmSync(userDir, { recursive: true, force: true });
    if (errors.length > 0) throw errors[0];
  });
  return h;
}
