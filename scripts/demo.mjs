// One-command demo: the Navien cloud simulator plus a local Node-RED (editor on loopback) with
// this package installed and a demo flow deployed. Run after `npm run build` (npm start does).
// NAVIEN_DEMO_REAL=1 with NAVIEN_EMAIL/NAVIEN_PASSWORD set uses the real cloud instead.
/* global process, console, setTimeout, clearTimeout -- Node globals; the lint config gives .mjs files none */
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

const real = env.NAVIEN_DEMO_REAL === '1';
if (real && !(env.NAVIEN_EMAIL && env.NAVIEN_PASSWORD)) {
  console.error('NAVIEN_DEMO_REAL=1 needs NAVIEN_EMAIL and NAVIEN_PASSWORD in the environment.');
  process.exit(2);
}
const editorPort = port('NAVIEN_DEMO_PORT', 1880);
const userDir = join(root, '.demo');
const built = join(root, 'nodes', 'simulator', 'index.js');
if (!existsSync(built)) {
  console.error('The package is not built yet: run `npm run build` first (npm start does).');
  process.exit(2);
}

// 1. The simulated cloud (unless the real one was asked for).
let sim = null;
if (!real) {
  const { startSimulator } = require(built);
  sim = await startSimulator({
    restPort: port('NAVIEN_DEMO_REST_PORT', 18380),
    mqttPort: port('NAVIEN_DEMO_MQTT_PORT', 18381),
    devices: Number(env.NAVIEN_SIM_DEVICES ?? 2),
    speed: Number(env.NAVIEN_SIM_SPEED ?? 30),
    log: (line) => console.log(`[simulator] ${line}`),
  });
  console.log(`Simulator: ${sim.apiUrl} and ${sim.mqttUrl} (login ${sim.email})`);
}

// 2. A Node-RED user directory with this package linked in.
mkdirSync(join(userDir, 'node_modules'), { recursive: true });
const link = join(userDir, 'node_modules', 'node-red-contrib-navien');
rmSync(link, { recursive: true, force: true });
symlinkSync(root, link, process.platform === 'win32' ? 'junction' : 'dir');
writeFileSync(
  join(userDir, 'package.json'),
  JSON.stringify(
    {
      name: 'navien-demo',
      private: true,
      dependencies: { 'node-red-contrib-navien': 'file:..' },
    },
    null,
    2,
  ) + '\n',
);
const settings = join(userDir, 'settings.js');
writeFileSync(
  settings,
  `// Written by scripts/demo.mjs on every start.
module.exports = {
  uiHost: '127.0.0.1',
  uiPort: ${editorPort},
  flowFile: 'flows.json',
  credentialSecret: false,
  editorTheme: { tours: false },
  logging: { console: { level: 'info', metrics: false, audit: false } },
};
`,
);

// 3. The demo flow, pointed at the simulator (or at the real cloud with empty URLs).
const flow = JSON.parse(readFileSync(join(root, 'examples', '00 - Simulator demo.json'), 'utf8'));
// Never send the demo's commands to a real water heater.
const kept = real ? flow.filter((node) => !/^demo-(cmd|control)/.test(node.id)) : flow;
const ids = new Set(kept.map((node) => node.id));
const demoFlow = kept
  .map((node) =>
    Array.isArray(node.wires)
      ? { ...node, wires: node.wires.map((out) => out.filter((id) => ids.has(id))) }
      : node,
  )
  .map((node) => {
    if (node.type !== 'navien-account') return node;
    return {
      ...node,
      name: real ? 'Navien cloud' : 'Navien simulator',
      apiUrl: sim ? sim.apiUrl : '',
      mqttUrl: sim ? sim.mqttUrl : '',
    };
  });
writeFileSync(join(userDir, 'flows.json'), JSON.stringify(demoFlow, null, 2) + '\n');

// 4. Node-RED itself; the login reaches the account node through the environment only.
const redJs = join(dirname(require.resolve('node-red/package.json')), 'red.js');
const child = spawn(process.execPath, [redJs, '-u', userDir, '-s', settings], {
  cwd: userDir,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: {
    ...env,
    NAVIEN_EMAIL: sim ? sim.email : env.NAVIEN_EMAIL,
    NAVIEN_PASSWORD: sim ? sim.password : env.NAVIEN_PASSWORD,
  },
});
let announced = false;
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (!announced && /Server now running|Started flows/.test(chunk.toString())) {
    announced = true;
    console.log(
      `\nOpen http://127.0.0.1:${editorPort}  (Ctrl+C stops Node-RED and the simulator)\n`,
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
  if (sim) await sim.close();
  process.exit(code);
}
child.on('exit', (code) => void shutdown(stopping ? 0 : (code ?? 1)));
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
