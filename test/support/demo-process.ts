// `npm start` as a user runs it (scripts/demo.mjs), in a temp user directory on free ports.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { delay, freePort } from './nodered-runtime';
import { makeTempDir, repoRoot } from './packing';

export const DEMO_SCRIPT = join(repoRoot, 'scripts', 'demo.mjs');

export interface DemoOptions {
  /** Reuse a user directory (to test restarts); default a fresh temp dir. */
  dir?: string;
  args?: string[];
  /** Reuse the ports of an earlier run (a restart, as a user does it). */
  ports?: { port: number; restPort: number; mqttPort: number };
  /** Extra environment (NAVIEN_DEMO_API_URL to use a simulator the test runs, ...). */
  env?: Record<string, string>;
}

/** True when something accepts connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether a process with this id still exists (zombies count as gone). */
export function alive(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
    return state.trim() !== '' && !state.trim().startsWith('Z');
  } catch {
    return false;
  }
}

/** Direct children of a process. */
export function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

export interface DemoEnvironment {
  env: NodeJS.ProcessEnv;
  dir: string;
  port: number;
  restPort: number;
  mqttPort: number;
}

/** The demo's environment: a temp user dir and free ports, no NAVIEN_* or npm_* of the caller. */
export async function demoEnvironment(opts: DemoOptions = {}): Promise<DemoEnvironment> {
  const dir = opts.dir ?? makeTempDir('demo');
  const { port, restPort, mqttPort } = opts.ports ?? {
    port: await freePort(),
    restPort: await freePort(),
    mqttPort: await freePort(),
  };
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('NAVIEN_') && !key.toLowerCase().startsWith('npm_')) env[key] = value;
  }
  Object.assign(env, {
    NAVIEN_DEMO_DIR: dir,
    NAVIEN_DEMO_PORT: String(port),
    NAVIEN_DEMO_REST_PORT: String(restPort),
    NAVIEN_DEMO_MQTT_PORT: String(mqttPort),
    ...opts.env,
  });
  return { env, dir, port, restPort, mqttPort };
}

export class DemoProcess {
  private out = '';
  private exitCode: number | null | undefined;
  readonly exited: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    readonly dir: string,
    readonly port: number,
    readonly restPort: number,
    readonly mqttPort: number,
  ) {
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => (this.out += chunk));
    child.stderr?.on('data', (chunk: string) => (this.out += chunk));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve();
      }),
    );
  }

  /** Starts the demo and waits until Node-RED has started its flows. */
  static async start(opts: DemoOptions = {}): Promise<DemoProcess> {
    const { env, dir, port, restPort, mqttPort } = await demoEnvironment(opts);
    const child = spawn(process.execPath, [DEMO_SCRIPT, ...(opts.args ?? [])], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const demo = new DemoProcess(child, dir, port, restPort, mqttPort);
    try {
      await demo.waitForLog(/Open http:\/\/127\.0\.0\.1/, 90_000);
    } catch (error) {
      await demo.kill();
      throw error;
    }
    return demo;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get logs(): string {
    return this.out;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async waitForLog(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.out)) {
      if (this.exitCode !== undefined)
        throw new Error(`the demo exited (${this.exitCode}) before ${pattern}:\n${this.out}`);
      if (Date.now() > deadline)
        throw new Error(`no ${pattern} in the demo's output:\n${this.out}`);
      await delay(100);
    }
  }

  /** Resolves true when the demo exited within `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<boolean> {
    return Promise.race([this.exited.then(() => true), delay(timeoutMs).then(() => false)]);
  }

  /** Cleanup for failed tests: SIGKILL the demo and its children, whatever state they are in. */
  async kill(): Promise<void> {
    for (const pid of [...childrenOf(this.pid), this.pid]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await this.waitForExit(5000);
  }
}
