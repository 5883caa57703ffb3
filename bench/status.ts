/**
 * Status benchmark (issue 3): the same N status messages, from the same broker, through
 *   (a) navien-account -> navien-status -> sink, and
 *   (b) core mqtt-broker -> mqtt in (utf8) -> json -> sink,
 * in ONE embedded Node-RED runtime. Prints messages/s per path, the cost ratio and the heap
 * growth after the run. A measurement, not a test: it exits 0 whether or not a target is met.
 *
 *   npm run build && npm run bench:status [-- --messages 20000 --rounds 3 --warmup 1000]
 *
 * The broker, the REST API and the publishing client live in a child process (bench/cloud.ts), so
 * the CPU time of this process is Node-RED's alone. Our nodes are loaded from the BUILT package
 * (nodes/*.js), the way Node-RED loads them for users.
 */
import { fork, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import RED = require('node-red');
import { DEMO_EMAIL, DEMO_PASSWORD } from '../src/simulator/rest-server';
import type { CloudReply, CloudRequest } from './cloud';

type PathName = 'core' | 'navien' | 'fan';

/** Status nodes on one heater in the fan-out flow. */
const FAN_OUT = 10;

interface Options {
  messages: number;
  rounds: number;
  warmup: number;
  /** The Node-RED module (package.json + built nodes/) to load; default this repo. */
  nodes: string;
}

interface PhaseResult {
  path: PathName;
  count: number;
  wallMs: number;
  cpuMs: number;
  perSecond: number;
  wallUsPerMsg: number;
  cpuUsPerMsg: number;
  /** Highest heapUsed seen while draining, above the heap at the phase's start. */
  peakHeapMb: number;
}

const RATIO_TARGET = 1.2;
const PEAK_HEAP_TARGET = 1.5;
const FAN_OUT_TARGET = 2;
const HEAP_TARGET_MB = 5;
const REPO = resolve(__dirname, '..');
const MB = 1024 * 1024;

function parseOptions(argv: string[]): Options {
  const opts: Options = { messages: 20_000, rounds: 3, warmup: 1000, nodes: REPO };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const key = flag.replace(/^--/, '');
    const value = argv[++i];
    if (key === 'nodes' && value) {
      opts.nodes = resolve(value);
      continue;
    }
    if (key !== 'messages' && key !== 'rounds' && key !== 'warmup') {
      throw new Error(
        `unknown option ${flag} (known: --messages N, --rounds R, --warmup W, --nodes DIR)`,
      );
    }
    const n = Number(value);
    if (!Number.isInteger(n) || n < (key === 'warmup' ? 0 : 1)) {
      throw new Error(`${flag} needs a whole number`);
    }
    opts[key] = n;
  }
  return opts;
}

/** Forced GC: --expose-gc if given, else switch it on at run time (tsx passes no node flags). */
function gcFunction(): () => void {
  if (typeof globalThis.gc === 'function') {
    const gc = globalThis.gc;
    return () => void gc();
  }
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function settledHeap(gc: () => void): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await sleep(50);
  }
  return process.memoryUsage().heapUsed;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function withTimeout<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what()}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The child process holding the REST API, the broker and the publisher. */
class Cloud {
  private waiter: { type: CloudReply['type']; resolve: (r: CloudReply) => void } | null = null;
  private failure: ((err: Error) => void) | null = null;
  private exited = false;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (reply: CloudReply) => {
      if (reply.type === 'error') this.failure?.(new Error(`bench cloud: ${reply.message}`));
      else if (this.waiter && reply.type === this.waiter.type) {
        const { resolve: done } = this.waiter;
        this.waiter = null;
        done(reply);
      }
    });
    child.once('exit', (code) => {
      this.exited = true;
      this.failure?.(new Error(`bench cloud exited (code ${String(code)})`));
    });
  }

  static start(): Cloud {
    // Same loader flags as this process (tsx), minus profiling flags meant for Node-RED.
    const execArgv = process.execArgv.filter((a) => !/^--(cpu|heap)-prof/.test(a));
    const child = fork(join(__dirname, 'cloud.ts'), [], { execArgv, stdio: 'inherit' });
    return new Cloud(child);
  }

  next<K extends CloudReply['type']>(type: K): Promise<Extract<CloudReply, { type: K }>> {
    return new Promise((resolveReply, reject) => {
      if (this.exited) {
        reject(new Error('bench cloud is not running'));
        return;
      }
      this.failure = reject;
      this.waiter = {
        type,
        resolve: (r) => resolveReply(r as Extract<CloudReply, { type: K }>),
      };
    });
  }

  request<K extends CloudReply['type']>(
    req: CloudRequest,
    type: K,
  ): Promise<Extract<CloudReply, { type: K }>> {
    const reply = this.next(type);
    this.child.send(req);
    return reply;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.failure = null;
    if (this.child.connected) this.child.send({ type: 'close' } satisfies CloudRequest);
    if (!(await Promise.race([gone.then(() => true), sleep(5000).then(() => false)]))) {
      this.child.kill('SIGKILL');
      await Promise.race([gone, sleep(2000)]);
    }
  }
}

/** Newest mtime under a directory, for files whose name matches `pattern`. */
function newestMtime(dir: string, pattern: RegExp): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, pattern));
    else if (pattern.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function nodeRedVersion(): string {
  const file = join(REPO, 'node_modules', 'node-red', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

function checkBuild(moduleDir: string): void {
  const built = join(moduleDir, 'nodes', 'navien-status.js');
  let builtAt: number;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    throw new Error('nodes/navien-status.js is missing: run `npm run build` first');
  }
  const src = join(moduleDir, 'src');
  if (existsSync(src) && newestMtime(src, /\.ts$/) > builtAt) {
    console.log('WARNING: src/ is newer than nodes/ - run `npm run build` first;');
    console.log('WARNING: this run measures the built nodes/*.js as they are.');
  }
}

/** What status.ts uses of a live bench-sink node (bench/sink-node.ts). */
interface SinkNode {
  received: number;
  lastAt: number;
  reset(target: number, onTarget: () => void): void;
}

interface NodesLookup {
  getNode(id: string): unknown;
}

function flows(
  apiUrl: string,
  mqttUrl: string,
  mac: string,
  fanMac: string,
): Record<string, unknown>[] {
  return [
    { id: 'tab', type: 'tab', label: 'bench' },
    // (b) core pair: the stock MQTT client config, `mqtt in` handing a string to `json`.
    {
      id: 'coreBroker',
      type: 'mqtt-broker',
      name: 'bench broker',
      broker: mqttUrl,
      port: '',
      clientid: 'bench-core',
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
      autoUnsubscribe: true,
      birthTopic: '',
      closeTopic: '',
      willTopic: '',
    },
    {
      id: 'coreIn',
      type: 'mqtt in',
      z: 'tab',
      topic: 'bench/core/#',
      qos: '0',
      datatype: 'utf8',
      broker: 'coreBroker',
      nl: false,
      rap: true,
      rh: 0,
      inputs: 0,
      wires: [['coreJson']],
    },
    {
      id: 'coreJson',
      type: 'json',
      z: 'tab',
      property: 'payload',
      action: '',
      pretty: false,
      wires: [['coreSink']],
    },
    { id: 'coreSink', type: 'bench-sink', z: 'tab', wires: [] },
    // (a) navien: the account config node and the status node, as a user configures them.
    {
      id: 'acc',
      type: 'navien-account',
      name: 'bench account',
      apiUrl,
      mqttUrl,
      cacheTtl: 60,
    },
    {
      id: 'status',
      type: 'navien-status',
      z: 'tab',
      account: 'acc',
      device: mac,
      interval: 0,
      units: 'auto',
      outputMode: 'every',
      includeRaw: false,
      wires: [['navienSink']],
    },
    { id: 'navienSink', type: 'bench-sink', z: 'tab', wires: [] },
    // (c) fan-out: ten status nodes on a second heater, all wired to one sink.
    ...Array.from({ length: FAN_OUT }, (_, i) => ({
      id: `fan${i}`,
      type: 'navien-status',
      z: 'tab',
      account: 'acc',
      device: fanMac,
      interval: 0,
      units: 'auto',
      outputMode: 'every',
      includeRaw: false,
      wires: [['fanSink']],
    })),
    { id: 'fanSink', type: 'bench-sink', z: 'tab', wires: [] },
  ];
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const gc = gcFunction();
  checkBuild(opts.nodes);

  const hardLimitMs = 120_000 + opts.rounds * 2 * (opts.messages + opts.warmup) * 2;
  const hardTimer = setTimeout(() => {
    console.error(`bench: hard timeout after ${Math.round(hardLimitMs / 1000)} s, aborting`);
    process.exit(2);
  }, hardLimitMs);
  hardTimer.unref();

  const userDir = mkdtempSync(join(tmpdir(), 'navien-bench-'));
  let cloud: Cloud | undefined;
  let server: Server | undefined;
  let redStarted = false;
  try {
    cloud = Cloud.start();
    const ready = await withTimeout(cloud.next('ready'), 30_000, () => 'bench cloud start');
    const { apiUrl, mqttUrl, mac, fanMac } = ready;

    // The sink node type, loaded by Node-RED from a nodes directory like any local node.
    const sinkDir = join(userDir, 'bench-nodes');
    mkdirSync(sinkDir);
    writeFileSync(
      join(sinkDir, 'bench-sink.js'),
      `module.exports = require(${JSON.stringify(join(__dirname, 'sink-node.ts'))});\n`,
    );
    writeFileSync(join(sinkDir, 'bench-sink.html'), '');
    writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flows(apiUrl, mqttUrl, mac, fanMac)));
    writeFileSync(
      join(userDir, 'flows_cred.json'),
      JSON.stringify({ acc: { email: DEMO_EMAIL, password: DEMO_PASSWORD } }),
    );

    const settings = {
      userDir,
      flowFile: 'flows.json',
      credentialSecret: false,
      uiHost: '127.0.0.1',
      uiPort: 0,
      httpAdminRoot: '/',
      httpNodeRoot: false,
      disableEditor: true,
      // The repo root is a Node-RED module: its package.json lists the built nodes/*.js.
      nodesDir: [opts.nodes, sinkDir],
      logging: { console: { level: 'warn', metrics: false, audit: false } },
      editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
      externalModules: { palette: { allowInstall: false } },
      telemetry: { enabled: false, updateNotification: false },
      diagnostics: { enabled: false },
    };
    const httpServer = createServer((req, res) => {
      RED.httpAdmin(req, res);
    });
    server = httpServer;
    RED.init(httpServer, settings as unknown as Parameters<typeof RED.init>[1]);
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    const flowsStarted = new Promise<void>((r) => RED.events.once('flows:started', () => r()));
    redStarted = true;
    await withTimeout(RED.start(), 60_000, () => 'Node-RED start');
    await withTimeout(flowsStarted, 30_000, () => 'flows did not start');
    const wildcard = `cmd/52/navilink-${mac}/#`;
    const fanWildcard = `cmd/52/navilink-${fanMac}/#`;
    await withTimeout(
      cloud.request(
        { type: 'wait-subscribed', filters: ['bench/core/#', wildcard, fanWildcard] },
        'subscribed',
      ),
      35_000,
      () => 'subscriptions',
    );

    const nodes = RED.nodes as unknown as NodesLookup;
    const sinks: Record<PathName, SinkNode> = {
      core: nodes.getNode('coreSink') as SinkNode,
      navien: nodes.getNode('navienSink') as SinkNode,
      fan: nodes.getNode('fanSink') as SinkNode,
    };
    // Let the status node's own on-connect request (unanswered: no heater here) settle.
    await sleep(500);
    for (const sink of Object.values(sinks)) sink.reset(Infinity, () => undefined);

    const topics: Record<PathName, string> = {
      core: 'bench/core/status',
      navien: `cmd/52/navilink-${mac}/bench/res`,
      fan: `cmd/52/navilink-${fanMac}/bench/res`,
    };
    const activeCloud = cloud;
    const runPhase = async (path: PathName, count: number): Promise<PhaseResult> => {
      const sink = sinks[path];
      // The fan-out sink receives every MQTT message once per status node.
      const deliveries = path === 'fan' ? count * FAN_OUT : count;
      const arrived = new Promise<void>((r) => sink.reset(deliveries, r));
      const heap0 = process.memoryUsage().heapUsed;
      let peak = heap0;
      const sampler = setInterval(() => {
        const used = process.memoryUsage().heapUsed;
        if (used > peak) peak = used;
      }, 5);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const published = activeCloud.request(
        { type: 'publish', topic: topics[path], count },
        'published',
      );
      await withTimeout(
        Promise.all([arrived, published]),
        30_000 + count * 2,
        () => `${path}: ${sink.received} of ${deliveries} messages arrived`,
      ).finally(() => clearInterval(sampler));
      const cpu = process.cpuUsage(cpu0);
      const wallMs = sink.lastAt - t0;
      const cpuMs = (cpu.user + cpu.system) / 1000;
      return {
        path,
        count,
        wallMs,
        cpuMs,
        perSecond: (count / wallMs) * 1000,
        wallUsPerMsg: (wallMs * 1000) / count,
        cpuUsPerMsg: (cpuMs * 1000) / count,
        peakHeapMb: (peak - heap0) / MB,
      };
    };

    console.log(
      `navien-status benchmark: ${fmt(opts.messages)} messages per path, ${opts.rounds} round(s), ` +
        `warm-up ${fmt(opts.warmup)}, payload ${fmt(ready.payloadBytes)} bytes`,
    );
    console.log(
      `machine: ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}, Node ${process.version}, ` +
        `Node-RED ${nodeRedVersion()}`,
    );
    console.log(
      `nodes under test: ${opts.nodes === REPO ? 'this repo' : opts.nodes} (built nodes/*.js)`,
    );
    console.log(
      `broker: aedes, MQTT 3.1.1 over WebSocket ${mqttUrl} (both paths), QoS 0; ` +
        'publisher: mqtt.js in a child process',
    );

    const heapStart = await settledHeap(gc);
    if (opts.warmup > 0) {
      await runPhase('core', opts.warmup);
      await runPhase('navien', opts.warmup);
      await runPhase('fan', opts.warmup);
    }
    const heapAfterWarmup = await settledHeap(gc);

    const results: Record<PathName, PhaseResult[]> = { core: [], navien: [], fan: [] };
    for (let round = 1; round <= opts.rounds; round++) {
      const line: string[] = [];
      for (const path of ['core', 'navien', 'fan'] as const) {
        await settledHeap(gc);
        const r = await runPhase(path, opts.messages);
        results[path].push(r);
        line.push(
          `${path} ${fmt(r.perSecond)} msgs/s (${fmt(r.wallUsPerMsg, 1)} µs/msg wall, ` +
            `${fmt(r.cpuUsPerMsg, 1)} µs/msg Node-RED CPU, peak heap +${r.peakHeapMb.toFixed(1)} MB)`,
        );
      }
      console.log(`round ${round}: ${line.join('  |  ')}`);
    }

    // Let sockets drain and timers fire before the final heap reading.
    await sleep(1000);
    const heapEnd = await settledHeap(gc);

    const med = (
      path: PathName,
      key: 'perSecond' | 'wallUsPerMsg' | 'cpuUsPerMsg' | 'peakHeapMb',
    ): number => median(results[path].map((r) => r[key]));
    const rate = { core: med('core', 'perSecond'), navien: med('navien', 'perSecond') };
    const cpuUs = { core: med('core', 'cpuUsPerMsg'), navien: med('navien', 'cpuUsPerMsg') };
    // Cost per message = CPU time this process (Node-RED, alone) spent per message.
    const ratio = cpuUs.navien / cpuUs.core;
    // Throughput: delivered messages per second, first publish to the N-th at the sink.
    const throughputRatio = rate.core / rate.navien;
    const peak = { core: med('core', 'peakHeapMb'), navien: med('navien', 'peakHeapMb') };
    const peakRatio = peak.navien / Math.max(peak.core, 0.1);
    const fanCpuUs = med('fan', 'cpuUsPerMsg');
    const fanRatio = fanCpuUs / cpuUs.navien;
    const growthMb = (heapEnd - heapStart) / MB;
    const ratioOk = ratio <= RATIO_TARGET;
    const throughputOk = throughputRatio <= RATIO_TARGET;
    const peakOk = peakRatio <= PEAK_HEAP_TARGET;
    const fanOk = fanRatio <= FAN_OUT_TARGET;
    const heapOk = Math.abs(growthMb) <= HEAP_TARGET_MB;
    const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');
    const describe = (path: 'core' | 'navien'): string =>
      `${fmt(rate[path])} msgs/s delivered (wall, median), Node-RED CPU ${fmt(cpuUs[path], 1)} µs/msg ` +
      `= ${fmt(1e6 / cpuUs[path])} msgs/s per CPU core, peak heap +${peak[path].toFixed(1)} MB`;

    console.log(`core mqtt in + json: ${describe('core')}`);
    console.log(`navien-status:       ${describe('navien')}`);
    console.log(
      `throughput ratio core/navien msgs/s: ${throughputRatio.toFixed(2)}x ` +
        `(target <= ${RATIO_TARGET}x) ${verdict(throughputOk)}`,
    );
    console.log(
      `CPU ratio navien/core per message (Node-RED CPU time): ${ratio.toFixed(2)}x ` +
        `(target <= ${RATIO_TARGET}x) ${verdict(ratioOk)}`,
    );
    console.log(
      `peak heap while draining, navien/core: ${peakRatio.toFixed(2)}x ` +
        `(target <= ${PEAK_HEAP_TARGET}x) ${verdict(peakOk)}`,
    );
    console.log(
      `fan-out: ${FAN_OUT} status nodes on one heater ${fmt(fanCpuUs, 1)} µs CPU per MQTT message vs ` +
        `1 node ${fmt(cpuUs.navien, 1)}: ${fanRatio.toFixed(2)}x (target <= ${FAN_OUT_TARGET}x) ${verdict(fanOk)}`,
    );
    const signed = (mb: number): string => `${mb >= 0 ? '+' : ''}${mb.toFixed(1)} MB`;
    console.log(
      `heap after forced GC: start ${(heapStart / MB).toFixed(1)} MB, after warm-up ` +
        `${(heapAfterWarmup / MB).toFixed(1)} MB, end ${(heapEnd / MB).toFixed(1)} MB, growth ` +
        `${signed(growthMb)} (target within ${HEAP_TARGET_MB} MB) ${verdict(heapOk)}`,
    );
    console.log(
      `SUMMARY: throughput ${throughputRatio.toFixed(2)}x ${verdict(throughputOk)}, CPU ${ratio.toFixed(2)}x ` +
        `${verdict(ratioOk)}, peak heap ${peakRatio.toFixed(2)}x ${verdict(peakOk)}, fan-out ` +
        `${fanRatio.toFixed(2)}x ${verdict(fanOk)}, heap ${signed(growthMb)} ${verdict(heapOk)}`,
    );
    return 0;
  } finally {
    if (redStarted) await withTimeout(RED.stop(), 20_000, () => 'Node-RED stop').catch(logError);
    if (server) {
      const s = server;
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    await cloud?.close();
    rmSync(userDir, { recursive: true, force: true });
  }
}

function logError(err: unknown): void {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    logError(err);
    process.exit(1);
  },
);
