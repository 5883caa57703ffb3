/**
 * Run-time hooks of the simulator, for tests and the demo (issue 13): raise and clear a heater's
 * error, take a heater off line and bring it back. Off line means what it means in the real
 * cloud: the heater is silent on MQTT and the REST device list says `connected: 1` (2 = on
 * line, NAVIEN-PROTOCOL.md §1.8). Offered as methods on the simulator object and as a small
 * admin HTTP API on the REST server (loopback only, outside the /api/v2.1 prefix):
 *
 *   GET    /sim/heaters                   every heater's state
 *   POST   /sim/heaters/:mac/fault        body {"code": 799, "sub": 0}: raise error E799
 *   DELETE /sim/heaters/:mac/fault        clear the error
 *   POST   /sim/heaters/:mac/offline      take the heater off line
 *   DELETE /sim/heaters/:mac/offline      bring it back on line
 */
import type { RawDeviceEntry } from '../navien/types';
import type { Heater } from './heater';

/** What every hook answers: the heater's state after the change. */
export interface HeaterSummary {
  macAddress: string;
  deviceName: string;
  connected: boolean;
  errorCode: number;
  subErrorCode: number;
}

export interface HeaterControls {
  /** Shows error E`code` (§3.4) with an optional sub code; 799 also trips the leak sensor. */
  raiseError(mac: string, code: number, sub?: number): HeaterSummary;
  clearError(mac: string): HeaterSummary;
  /** Silent on MQTT and listed as disconnected. */
  setOffline(mac: string): HeaterSummary;
  setOnline(mac: string): HeaterSummary;
  heaterStates(): HeaterSummary[];
}

/** The REST server's device list, as far as the hooks need it. */
export interface DeviceListStore {
  devices(): RawDeviceEntry[];
  setDevices(devices: RawDeviceEntry[]): void;
}

/** A refused hook call; `status` is the HTTP status the admin API answers with. */
export class SimulatorAdminError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'SimulatorAdminError';
    this.status = status;
  }
}

/** REST `connected` values (§1.8). */
const LISTED_ONLINE = 2;
const LISTED_OFFLINE = 1;
/** Error codes as the CLI's --error-code takes them. */
const ERROR_CODE = { name: 'code', min: 1, max: 9999 } as const;
const SUB_CODE = { name: 'sub', min: 0, max: 999 } as const;

function wholeNumber(value: unknown, name: string, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new SimulatorAdminError(400, `${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

export function heaterControls(
  heaters: ReadonlyMap<string, Heater>,
  list: DeviceListStore,
): HeaterControls {
  const find = (mac: string): Heater => {
    const key = mac
      .trim()
      .toLowerCase()
      .replace(/[:\-.]/g, '');
    const heater = heaters.get(key);
    if (!heater) throw new SimulatorAdminError(404, `No simulated heater ${JSON.stringify(mac)}`);
    return heater;
  };
  const summary = (heater: Heater): HeaterSummary => {
    const status = heater.status();
    return {
      macAddress: heater.mac,
      deviceName: heater.deviceName,
      connected: heater.connected,
      errorCode: Number(status.errorCode ?? 0),
      subErrorCode: Number(status.subErrorCode ?? 0),
    };
  };
  const setConnected = (mac: string, connected: boolean): HeaterSummary => {
    const heater = find(mac);
    heater.connected = connected;
    list.setDevices(
      list.devices().map((entry) => {
        if (entry.deviceInfo.macAddress !== heater.mac) return entry;
        const connectedFlag = connected ? LISTED_ONLINE : LISTED_OFFLINE;
        return { ...entry, deviceInfo: { ...entry.deviceInfo, connected: connectedFlag } };
      }),
    );
    return summary(heater);
  };
  return {
    raiseError(mac, code, sub = 0) {
      const heater = find(mac);
      heater.injectError(
        wholeNumber(code, ERROR_CODE.name, ERROR_CODE.min, ERROR_CODE.max),
        wholeNumber(sub, SUB_CODE.name, SUB_CODE.min, SUB_CODE.max),
      );
      return summary(heater);
    },
    clearError(mac) {
      const heater = find(mac);
      heater.clearError();
      return summary(heater);
    },
    setOffline: (mac) => setConnected(mac, false),
    setOnline: (mac) => setConnected(mac, true),
    heaterStates: () => [...heaters.values()].map(summary),
  };
}

export const ADMIN_PATH_PREFIX = '/sim/';

export interface AdminRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
  /** The body was not JSON. */
  badBody: boolean;
}

export interface AdminReply {
  status: number;
  body: unknown;
}

const HEATER_PATH = /^\/sim\/heaters\/([^/]+)\/(fault|offline)$/;

/** Answers an admin request, or undefined when the path is not an admin path. */
export function adminRoute(controls: HeaterControls, req: AdminRequest): AdminReply | undefined {
  if (!req.path.startsWith(ADMIN_PATH_PREFIX)) return undefined;
  try {
    return answer(controls, req);
  } catch (err) {
    if (err instanceof SimulatorAdminError) {
      return { status: err.status, body: { error: err.message } };
    }
    throw err;
  }
}

function answer(controls: HeaterControls, req: AdminRequest): AdminReply {
  if (req.path === '/sim/heaters') {
    if (req.method !== 'GET') return { status: 405, body: { error: 'Use GET' } };
    return { status: 200, body: controls.heaterStates() };
  }
  const match = HEATER_PATH.exec(req.path);
  if (!match) return { status: 404, body: { error: `No admin route ${req.path}` } };
  const mac = match[1] ?? '';
  const isFault = match[2] === 'fault';
  if (req.badBody) return { status: 400, body: { error: 'The body must be JSON' } };
  if (req.method === 'POST') {
    if (!isFault) return { status: 200, body: controls.setOffline(mac) };
    const { name, min, max } = ERROR_CODE;
    const code = wholeNumber(req.body.code, name, min, max);
    const sub = wholeNumber(req.body.sub ?? 0, SUB_CODE.name, SUB_CODE.min, SUB_CODE.max);
    return { status: 200, body: controls.raiseError(mac, code, sub) };
  }
  if (req.method === 'DELETE') {
    return { status: 200, body: isFault ? controls.clearError(mac) : controls.setOnline(mac) };
  }
  return { status: 405, body: { error: 'Use POST or DELETE' } };
}
