/**
 * The whole simulated Navien cloud on loopback: the REST API, the MQTT broker and simulated
 * NWP500 heaters answering on it, plus optional faults to rehearse outages.
 */
import { startBroker, type TestBroker } from './broker';
import { attachHeaters, type DeviceHost } from './devices';
import { errorBlock } from './device-error';
import { Heater } from './heater';
import { attachPrograms, type ProgramHost } from './program-host';
import { adminRoute, heaterControls, type HeaterControls } from './heater-admin';
import {
  API_PATH_PREFIX,
  controllerSerialFor,
  DEMO_EMAIL,
  DEMO_PASSWORD,
  generateDeviceEntry,
  startRestServer,
  type RestServer,
} from './rest-server';

export { Heater } from './heater';
export { programsOf, type HeaterPrograms } from './heater-programs';
export type { HeaterControls, HeaterSummary } from './heater-admin';
export { DEMO_EMAIL, DEMO_PASSWORD } from './rest-server';

export interface SimulatorFaults {
  /** Every N seconds every issued access token is expired server-side, so REST calls get 401. */
  expireTokensEverySec?: number;
  /** Every N seconds the next request to each device endpoint is answered with HTTP 500. */
  error500EverySec?: number;
  /** Every REST answer is delayed by this many ms. */
  slowMs?: number;
  /** Every N seconds the broker disconnects every MQTT client. */
  dropMqttEverySec?: number;
  /** Answer MQTT WebSocket upgrades with 403, as AWS IoT does for expired credentials. */
  refuseUpgrades?: boolean;
  /** Error code (§3.4) shown by the first heater, optionally with a sub code. */
  errorCode?: number;
  subErrorCode?: number;
}

export interface SimulatorOptions {
  /** Loopback address to bind (default 127.0.0.1). */
  host?: string;
  /** 0 (default) picks a free port. */
  restPort?: number;
  mqttPort?: number;
  /** Number of simulated heaters (default 2). */
  devices?: number;
  /** How many of them (the last ones) are offline: listed as disconnected, silent on MQTT. */
  offline?: number;
  accessTokenLifetimeSec?: number;
  awsLifetimeSec?: number;
  /** Simulated seconds per real second (default 1). */
  speed?: number;
  faults?: SimulatorFaults;
  /** Where the device host reports refused or ignored requests (default: nowhere). */
  log?: (line: string) => void;
}

/** Also the run-time hooks (heater-admin.ts): raiseError, clearError, setOffline, setOnline. */
export interface Simulator extends HeaterControls {
  /** REST base URL for the account's apiUrl, e.g. http://127.0.0.1:18380/api/v2.1. */
  readonly apiUrl: string;
  /** MQTT URL for the account's mqttUrl, e.g. ws://127.0.0.1:18381/mqtt. */
  readonly mqttUrl: string;
  /** Base of the admin HTTP API, e.g. http://127.0.0.1:18380/sim (see heater-admin.ts). */
  readonly adminUrl: string;
  readonly email: string;
  readonly password: string;
  /** Simulated heaters by MAC. */
  readonly heaters: Map<string, Heater>;
  readonly rest: RestServer;
  readonly broker: TestBroker;
  readonly deviceHost: DeviceHost;
  /** Answers the weekly-program and TOU requests (program-host.ts). */
  readonly programHost: ProgramHost;
  /**
   * Resolves once every MQTT request received so far is answered and published: between tests
   * that share a simulator, so no late answer reaches the next test's subscriptions.
   */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Initial modes for the generated heaters, so a dashboard shows some variety. */
const MODES = [3, 1, 4, 2] as const;
const DEVICE_PATHS = ['/device/list', '/device/info', '/device/firmware/info', '/device/tou'];

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const count = Math.max(0, Math.floor(opts.devices ?? 2));
  const offline = Math.min(count, Math.max(0, Math.floor(opts.offline ?? 0)));
  const faults = opts.faults ?? {};

  const entries = Array.from({ length: count }, (_, i) => {
    const entry = generateDeviceEntry(i);
    if (i >= count - offline) entry.deviceInfo.connected = 1;
    return entry;
  });
  const heaters = new Map<string, Heater>();
  entries.forEach((entry, i) => {
    const mac = entry.deviceInfo.macAddress;
    const heater = new Heater({
      mac,
      additionalValue: entry.deviceInfo.additionalValue,
      deviceName: entry.deviceInfo.deviceName,
      controllerSerialNumber: controllerSerialFor(mac),
      mode: MODES[i % MODES.length],
      // Energy history should line up with the real calendar the nodes ask about.
      startTime: Date.now(),
      seed: 1000 + i,
    });
    heater.connected = i < count - offline;
    heaters.set(mac, heater);
  });
  const first = heaters.values().next();
  if (!first.done && faults.errorCode)
    first.value.injectError(faults.errorCode, faults.subErrorCode ?? 0);
  // The cloud keeps the fault in the device list too, readable while the heater is offline.
  if (faults.errorCode && entries[0]) entries[0].error = errorBlock(faults.errorCode, Date.now());

  const rest = await startRestServer({
    host,
    port: opts.restPort ?? 0,
    devices: entries,
    accessTokenLifetimeSec: opts.accessTokenLifetimeSec,
    awsLifetimeSec: opts.awsLifetimeSec,
    admin: (req) => adminRoute(controls, req),
  });
  const controls = heaterControls(heaters, rest);
  let broker: TestBroker;
  try {
    broker = await startBroker({ host, port: opts.mqttPort ?? 0 });
  } catch (err) {
    await rest.close();
    throw err;
  }
  const deviceHost = attachHeaters(broker, heaters, { speed: opts.speed ?? 1, log: opts.log });
  const programHost = attachPrograms(broker, heaters, { log: opts.log });

  const timers: NodeJS.Timeout[] = [];
  const every = (seconds: number | undefined, fn: () => void): void => {
    if (!seconds || seconds <= 0) return;
    const timer = setInterval(fn, seconds * 1000);
    timer.unref();
    timers.push(timer);
  };
  if (faults.slowMs && faults.slowMs > 0) rest.setFault('*', { delayMs: faults.slowMs });
  if (faults.refuseUpgrades) broker.refuseUpgrades(403);
  every(faults.expireTokensEverySec, () => rest.expireAllTokens());
  every(faults.error500EverySec, () => {
    for (const path of DEVICE_PATHS)
      rest.setFault(path, { status: 500, delayMs: faults.slowMs, times: 1 });
  });
  every(faults.dropMqttEverySec, () => broker.dropClients());

  let closed: Promise<void> | null = null;
  return {
    apiUrl: rest.url,
    mqttUrl: broker.url,
    adminUrl: `${rest.url.slice(0, -API_PATH_PREFIX.length)}/sim`,
    email: DEMO_EMAIL,
    password: DEMO_PASSWORD,
    heaters,
    rest,
    broker,
    deviceHost,
    programHost,
    ...controls,
    async idle() {
      await Promise.all([deviceHost.idle(), programHost.idle()]);
    },
    close() {
      closed ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        deviceHost.stop();
        programHost.stop();
        await Promise.allSettled([broker.close(), rest.close()]);
      })();
      return closed;
    },
  };
}
