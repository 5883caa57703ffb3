/** Command-line flags and environment variables of the navien-simulator bin. */
import type { SimulatorOptions } from './index';

export const HELP = `Usage: navien-simulator [options]

A simulated Navien Smart Control cloud (REST API + MQTT over WebSocket) with simulated NWP500
heat-pump water heaters, on loopback only. Point a navien-account node's API URL and MQTT URL
at the printed addresses and sign in with the printed test login.

Options (environment variable in brackets):
  --devices <n>            simulated heaters (default 2)               [NAVIEN_SIM_DEVICES]
  --offline <n>            of which the last n are offline (default 0) [NAVIEN_SIM_OFFLINE]
  --host <addr>            loopback address to bind (default 127.0.0.1) [NAVIEN_SIM_HOST]
  --rest-port <port>       REST port (default 0 = any free port)       [NAVIEN_SIM_REST_PORT]
  --mqtt-port <port>       MQTT WebSocket port (default 0)             [NAVIEN_SIM_MQTT_PORT]
  --token-lifetime <s>     access token lifetime (default 3600)        [NAVIEN_SIM_TOKEN_LIFETIME]
  --aws-lifetime <s>       AWS credential lifetime (default 3600)      [NAVIEN_SIM_AWS_LIFETIME]
  --speed <x>              simulated seconds per real second (default 1) [NAVIEN_SIM_SPEED]
Faults:
  --fault-401 <s>          expire every access token every s seconds (REST 401s) [NAVIEN_SIM_FAULT_401]
  --fault-500 <s>          every s seconds, answer the next device request with 500 [NAVIEN_SIM_FAULT_500]
  --slow-ms <ms>           delay every REST answer                     [NAVIEN_SIM_SLOW_MS]
  --drop-mqtt-every <s>    disconnect every MQTT client every s seconds [NAVIEN_SIM_DROP_MQTT_EVERY]
  --refuse-upgrades        refuse MQTT WebSocket upgrades with 403     [NAVIEN_SIM_REFUSE_UPGRADES=1]
  --error-code <n[:sub]>   first heater shows E<n> (799 = leak), also in the device list [NAVIEN_SIM_ERROR_CODE]
  --help                   show this text
`;

export type ParsedArgs = { help: true } | { help: false; options: SimulatorOptions };

interface FlagSpec {
  env: string;
  /** Flags without a value. */
  boolean?: boolean;
}

const FLAGS: Record<string, FlagSpec> = {
  devices: { env: 'NAVIEN_SIM_DEVICES' },
  offline: { env: 'NAVIEN_SIM_OFFLINE' },
  host: { env: 'NAVIEN_SIM_HOST' },
  'rest-port': { env: 'NAVIEN_SIM_REST_PORT' },
  'mqtt-port': { env: 'NAVIEN_SIM_MQTT_PORT' },
  'token-lifetime': { env: 'NAVIEN_SIM_TOKEN_LIFETIME' },
  'aws-lifetime': { env: 'NAVIEN_SIM_AWS_LIFETIME' },
  speed: { env: 'NAVIEN_SIM_SPEED' },
  'fault-401': { env: 'NAVIEN_SIM_FAULT_401' },
  'fault-500': { env: 'NAVIEN_SIM_FAULT_500' },
  'slow-ms': { env: 'NAVIEN_SIM_SLOW_MS' },
  'drop-mqtt-every': { env: 'NAVIEN_SIM_DROP_MQTT_EVERY' },
  'refuse-upgrades': { env: 'NAVIEN_SIM_REFUSE_UPGRADES', boolean: true },
  'error-code': { env: 'NAVIEN_SIM_ERROR_CODE' },
};

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Flags win over environment variables. Throws an Error with a readable message on bad input. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ParsedArgs {
  const values = new Map<string, string>();
  for (const [name, spec] of Object.entries(FLAGS)) {
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv !== '') values.set(name, fromEnv);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return { help: true };
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    const spec = match ? FLAGS[match[1] ?? ''] : undefined;
    if (!match || !spec) throw new Error(`Unknown option ${arg} (try --help)`);
    const name = match[1] ?? '';
    if (spec.boolean) {
      values.set(name, match[2] ?? '1');
      continue;
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    values.set(name, value);
  }

  const num = (name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined => {
    const text = values.get(name);
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new Error(`--${name} must be a number from ${min} to ${max}, not "${text}"`);
    return n;
  };
  const int = (name: string, min: number, max?: number): number | undefined => {
    const n = num(name, min, max);
    if (n !== undefined && !Number.isInteger(n))
      throw new Error(`--${name} must be a whole number`);
    return n;
  };

  const host = values.get('host') ?? '127.0.0.1';
  if (!isLoopbackHost(host))
    throw new Error(`--host must be a loopback address (127.x.x.x, ::1, localhost), not ${host}`);
  const refuse = values.get('refuse-upgrades');
  let errorCode: number | undefined;
  let subErrorCode: number | undefined;
  const codeText = values.get('error-code');
  if (codeText !== undefined) {
    const m = /^(\d{1,4})(?::(\d{1,3}))?$/.exec(codeText);
    if (!m) throw new Error(`--error-code must look like 799 or 515:25, not "${codeText}"`);
    errorCode = Number(m[1]);
    subErrorCode = m[2] === undefined ? 0 : Number(m[2]);
  }

  return {
    help: false,
    options: {
      host,
      devices: int('devices', 0, 100) ?? 2,
      offline: int('offline', 0, 100),
      restPort: int('rest-port', 0, 65535) ?? 0,
      mqttPort: int('mqtt-port', 0, 65535) ?? 0,
      accessTokenLifetimeSec: int('token-lifetime', 1),
      awsLifetimeSec: int('aws-lifetime', 1),
      speed: num('speed', 0, 100_000) ?? 1,
      faults: {
        expireTokensEverySec: num('fault-401', 0),
        error500EverySec: num('fault-500', 0),
        slowMs: int('slow-ms', 0, 120_000),
        dropMqttEverySec: num('drop-mqtt-every', 0),
        refuseUpgrades: refuse !== undefined && !['0', 'false', 'no'].includes(refuse),
        errorCode,
        subErrorCode,
      },
    },
  };
}
