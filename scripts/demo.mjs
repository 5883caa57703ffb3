// One-command demo: the Navien cloud simulator plus a local Node-RED (editor on loopback) with
// this package and Dashboard 2 installed, a demo flow and a dashboard at /dashboard.
// Run after `npm run build` (npm start does). `npm start -- --reset` restores the demo flow.
// NAVIEN_DEMO_REAL=1 with NAVIEN_EMAIL/NAVIEN_PASSWORD set uses the real cloud instead.
// NAVIEN_DEMO_DIR, NAVIEN_DEMO_PORT, NAVIEN_DEMO_REST_PORT, NAVIEN_DEMO_MQTT_PORT and the
// simulator's NAVIEN_SIM_* variables (see `npx navien-simulator --help`) change the defaults;
// NAVIEN_DEMO_DASHBOARD=0 leaves the dashboard out.
/* global process, console, setTimeout, clearTimeout, setInterval, URL -- Node globals; the lint config gives .mjs files none */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const env = process.env;
const port = (name, fallback) => {
  const n = Number(env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number`);
  return n;
};
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) => writeFileSync(file, JSON.stringify(value, null, 2) + '\n');

const unknown = process.argv.slice(2).filter((a) => a !== '--reset');
if (unknown.length > 0) {
  console.error(`Unknown option ${unknown[0]}: the demo takes only --reset.`);
  process.exit(2);
}
const reset = process.argv.includes('--reset');
const real = env.NAVIEN_DEMO_REAL === '1';
if (real && !(env.NAVIEN_EMAIL && env.NAVIEN_PASSWORD)) {
  console.error('NAVIEN_DEMO_REAL=1 needs NAVIEN_EMAIL and NAVIEN_PASSWORD in the environment.');
  process.exit(2);
}
const editorPort = port('NAVIEN_DEMO_PORT', 1880);
// Dashboard 2 is a devDependency: `npm install --omit=dev` leaves it out. Its widgets would then
// be missing node types, and Node-RED starts no flow at all while any type is missing.
function dashboardInstalled() {
  try {
    require.resolve('@flowfuse/node-red-dashboard/package.json');
    return true;
  } catch {
    return false;
  }
}
const withDashboard = env.NAVIEN_DEMO_DASHBOARD !== '0' && dashboardInstalled();
// The real cloud gets its own user directory: its flow differs and must never meet the simulator's.
const userDir = env.NAVIEN_DEMO_DIR || join(root, real ? '.demo-real' : '.demo');
const built = join(root, 'nodes', 'simulator', 'index.js');
if (!existsSync(built)) {
  console.error('The package is not built yet: run `npm run build` first (npm start does).');
  process.exit(2);
}

// 1. The simulated cloud (unless the real one was asked for), with the simulator's own variables.
// NAVIEN_DEMO_API_URL and NAVIEN_DEMO_MQTT_URL use a simulator already running on loopback (tests).
let sim = null;
let ownSim = null;
if (!real && env.NAVIEN_DEMO_API_URL && env.NAVIEN_DEMO_MQTT_URL) {
  const { DEMO_EMAIL, DEMO_PASSWORD } = require(built);
  for (const url of [env.NAVIEN_DEMO_API_URL, env.NAVIEN_DEMO_MQTT_URL]) {
    // The simulator's test login goes nowhere but a simulator on this computer.
    if (!/^(127(\.\d{1,3}){3}|localhost|\[::1\])$/.test(new URL(url).hostname)) {
      console.error(`NAVIEN_DEMO_API_URL/NAVIEN_DEMO_MQTT_URL must be loopback, not ${url}`);
      process.exit(2);
    }
  }
  sim = {
    apiUrl: env.NAVIEN_DEMO_API_URL,
    mqttUrl: env.NAVIEN_DEMO_MQTT_URL,
    email: DEMO_EMAIL,
    password: DEMO_PASSWORD,
  };
} else if (!real) {
  const { startSimulator } = require(built);
  const { parseArgs } = require(join(root, 'nodes', 'simulator', 'options.js'));
  const parsed = parseArgs([], {
    NAVIEN_SIM_SPEED: '30',
    ...env,
    NAVIEN_SIM_REST_PORT: String(port('NAVIEN_DEMO_REST_PORT', 18380)),
    NAVIEN_SIM_MQTT_PORT: String(port('NAVIEN_DEMO_MQTT_PORT', 18381)),
  });
  ownSim = await startSimulator({
    ...parsed.options,
    log: (line) => console.log(`[simulator] ${line}`),
  });
  sim = ownSim;
}
if (sim) console.log(`Simulator: ${sim.apiUrl} and ${sim.mqttUrl} (login ${sim.email})`);

// 2. A Node-RED user directory with this package linked in; the user's palette installs stay.
mkdirSync(join(userDir, 'node_modules'), { recursive: true });
const link = join(userDir, 'node_modules', 'node-red-contrib-navien');
rmSync(link, { recursive: true, force: true });
symlinkSync(root, link, process.platform === 'win32' ? 'junction' : 'dir');
const pkgFile = join(userDir, 'package.json');
const pkg = existsSync(pkgFile) ? readJson(pkgFile) : { name: 'navien-demo', private: true };
if (pkg.dependencies?.['node-red-contrib-navien'] !== 'file:..' || !existsSync(pkgFile)) {
  pkg.dependencies = { ...pkg.dependencies, 'node-red-contrib-navien': 'file:..' };
  writeJson(pkgFile, pkg);
}
const settings = join(userDir, 'settings.js');
writeFileSync(
  settings,
  `// Written by scripts/demo.mjs on every start.
module.exports = {
  uiHost: '127.0.0.1',
  uiPort: ${editorPort},
  flowFile: 'flows.json',
  credentialSecret: false,
  // No first-run prompts over the canvas, and nothing sent to nodered.org.
  editorTheme: { tours: false },
  telemetry: { enabled: false, updateNotification: false },
  diagnostics: { enabled: false },
  logging: { console: { level: 'info', metrics: false, audit: false } },
};
`,
);
if (sim) {
  // Tokens of an earlier simulator run are void (a new simulator issues new ones): drop them
  // rather than have the account log a refused refresh on every start.
  rmSync(join(userDir, '.navien'), { recursive: true, force: true });
}

// 3. The demo flow: written on first start (and each part once, when a newer demo adds one);
// afterwards the user's flow is kept. --reset writes it again.
const flowFile = join(userDir, 'flows.json');
const stateFile = join(userDir, 'demo-state.json');
const COMMANDS =
  /^demo-(cmd|control|dash-(control|setpoint|temperature-cmd|mode|confirmed|current))/;
const DEMO_ACCOUNT = 'demo-account';

function demoParts() {
  const flow = readJson(join(root, 'examples', '00 - Simulator demo.json'));
  const dashboard = readJson(join(root, 'scripts', 'demo-dashboard.json'));
  // The dashboard tab has its own status and control nodes, so it works without the demo tab.
  // The tank card is the Tank card example's template, placed in the demo's dashboard.
  const card = readJson(join(root, 'examples', '18 - Tank card.json')).find(
    (n) => n.type === 'ui-template',
  );
  dashboard.push({
    ...card,
    id: 'demo-dash-card',
    z: 'demo-dash-tab',
    group: 'demo-dash-g-tank',
    x: 460,
    y: 40,
  });
  return { flow, dashboard };
}

/** Points the demo account at this simulator (or at the real cloud), and never sends commands there. */
function forThisCloud(nodes) {
  const kept = real ? nodes.filter((n) => !COMMANDS.test(n.id)) : nodes;
  const ids = new Set(kept.map((n) => n.id));
  return kept.map((n) => {
    const node = Array.isArray(n.wires)
      ? { ...n, wires: n.wires.map((out) => out.filter((id) => ids.has(id))) }
      : n;
    if (node.id !== DEMO_ACCOUNT) return node;
    return {
      ...node,
      name: real ? 'Navien cloud' : 'Navien simulator',
      apiUrl: sim ? sim.apiUrl : '',
      mqttUrl: sim ? sim.mqttUrl : '',
    };
  });
}

const parts = demoParts();
const state = !reset && existsSync(stateFile) ? readJson(stateFile) : { written: [] };
let flows = !reset && existsSync(flowFile) ? readJson(flowFile) : [];
if (reset || !existsSync(flowFile)) state.written = [];
const has = new Set(flows.map((n) => n.id));
if (!withDashboard) {
  // Not marked as written: the next start with Dashboard 2 installed adds it.
  delete parts.dashboard;
  const why =
    env.NAVIEN_DEMO_DASHBOARD === '0'
      ? 'NAVIEN_DEMO_DASHBOARD=0'
      : 'Dashboard 2 (@flowfuse/node-red-dashboard) is not installed; `npm install` adds it';
  console.log(`Demo: no dashboard (${why})`);
  if (flows.some((n) => typeof n.type === 'string' && n.type.startsWith('ui-'))) {
    console.log(
      'Demo: your flow has dashboard widgets, so Node-RED waits for their node types and starts ' +
        'no flow: install Dashboard 2 (`npm install`) or delete the dashboard tab.',
    );
  }
}
for (const [name, nodes] of Object.entries(parts)) {
  if (state.written.includes(name)) continue;
  const fresh = forThisCloud(nodes).filter((n) => !has.has(n.id));
  flows = [...flows, ...fresh];
  state.written.push(name);
  console.log(`Demo: ${reset ? 'restored' : 'added'} the ${name} (${fresh.length} nodes)`);
}
if (sim) {
  // The simulator's ports may differ from the last run: keep the demo account on this one.
  flows = flows.map((n) =>
    n.id === DEMO_ACCOUNT && n.type === 'navien-account'
      ? { ...n, apiUrl: sim.apiUrl, mqttUrl: sim.mqttUrl }
      : n,
  );
}
writeJson(flowFile, flows);
writeJson(stateFile, state);

// The simulator's test login lives only in the demo account's credentials (never in the
// environment), so an imported example whose account has empty URLs (the real cloud) has no
// login to send: only the simulator ever sees the test login.
const credFile = join(userDir, 'flows_cred.json');
if (sim) {
  const creds = existsSync(credFile) ? readJson(credFile) : {};
  creds[DEMO_ACCOUNT] = { email: sim.email, password: sim.password };
  writeJson(credFile, creds);
}

// 4. Node-RED itself. The guard stops it when this script goes away, however that happens.
const redJs = join(dirname(require.resolve('node-red/package.json')), 'red.js');
const guard =
  'data:text/javascript,process.on("disconnect",()=>process.kill(process.pid,"SIGINT"))';
const childEnv = { ...env };
if (sim) {
  delete childEnv.NAVIEN_EMAIL;
  delete childEnv.NAVIEN_PASSWORD;
}
const child = spawn(process.execPath, ['--import', guard, redJs, '-u', userDir, '-s', settings], {
  cwd: userDir,
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  env: childEnv,
});
let announced = false;
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (!announced && /Started flows/.test(chunk.toString())) {
    announced = true;
    console.log(
      `\nOpen http://127.0.0.1:${editorPort} (editor)` +
        (withDashboard ? ` and http://127.0.0.1:${editorPort}/dashboard` : '') +
        `\n(Ctrl+C stops Node-RED and the simulator; \`npm start -- --reset\` restores the demo flow)\n`,
    );
  }
});

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await new Promise((resolve) => child.once('exit', resolve));
    clearTimeout(killer);
  }
  if (ownSim) await ownSim.close();
  process.exit(code);
}
child.on('exit', (code) => void shutdown(stopping ? 0 : (code ?? 1)));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(0));
// A parent that exits without signalling us (a closed terminal, a killed npm) reparents us.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown(0);
}, 1000).unref();
