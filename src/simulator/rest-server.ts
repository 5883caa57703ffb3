import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RawDeviceEntry, RawFirmware, RawTouResponse } from '../navien/types';

/**
 * A loopback stand-in for the Navien REST API (NAVIEN-PROTOCOL.md §1, §6): same paths, same
 * envelope, opaque tokens that expire, pagination, and injectable faults. The simulator and
 * the tests build on it; it never listens on anything but loopback.
 */

export const DEMO_EMAIL = 'demo@example.com';
export const DEMO_PASSWORD = 'demo-password';
export const API_PATH_PREFIX = '/api/v2.1';
/** A long-running simulator keeps only this many live sessions (and, by default, logged requests). */
const MAX_SESSIONS = 1_000;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const MAX_PAGE = 20;

export interface RestFault {
  /** HTTP status to answer with (default 200 when only bodyCode is set, else 500). */
  status?: number;
  /** Envelope `code` (defaults to status). */
  bodyCode?: number;
  /** Answer with an HTML error page. */
  html?: boolean;
  /** Answer with a truncated JSON body. */
  invalidJson?: boolean;
  /** Wait before answering (alone: then answer normally). */
  delayMs?: number;
  /** Value of a Retry-After header. */
  retryAfter?: string;
  /** How many requests the fault hits (default: until cleared). */
  times?: number;
}

export interface RestServerOptions {
  host?: string;
  port?: number;
  accounts?: { email: string; password: string }[];
  /** Entries as the API returns them, or how many to generate. Default 1. */
  devices?: RawDeviceEntry[] | number;
  accessTokenLifetimeSec?: number;
  awsLifetimeSec?: number;
  /** Whether /auth/refresh also hands out new AWS credentials (§8.2 says probably not). */
  refreshReturnsAws?: boolean;
  /** HTTP status of a rejected sign-in; the body always says {code:401}. Default 401. */
  badCredentialsHttpStatus?: 200 | 401;
  touByMac?: (mac: string) => RawTouResponse | undefined;
  firmwareByMac?: (mac: string) => RawFirmware[] | undefined;
  /** How many requests `requests` keeps, newest last (default 10 000). */
  requestLogLimit?: number;
  /** Clock used for token expiry (default Date.now). */
  now?: () => number;
}

export interface RestCounts {
  signIn: number;
  refresh: number;
  total: number;
  /** Per API path, e.g. counts['/device/list']. */
  [path: string]: number;
}

export interface LoggedRequest {
  method: string;
  /** Path below the prefix, e.g. "/device/list". */
  path: string;
  query: Record<string, string>;
  hasAuthorization: boolean;
  /** Parsed body with any `password` removed. */
  body: unknown;
  status: number;
  at: number;
}

export interface IssuedToken {
  email: string;
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number;
  accessKeyId: string;
  secretKey: string;
  sessionToken: string;
  awsExpiresAt: number;
  expired: boolean;
}

export interface RestServer {
  /** Base URL including the path prefix, e.g. http://127.0.0.1:PORT/api/v2.1. */
  readonly url: string;
  readonly port: number;
  readonly counts: RestCounts;
  readonly requests: LoggedRequest[];
  /** `path` below the prefix (e.g. "/device/list"), or "*" for every path. */
  setFault(path: string, fault: RestFault | null): void;
  /** Server-side expiry: every access token issued so far is now answered with 401. */
  expireAllTokens(): void;
  issuedTokens(): IssuedToken[];
  /** Looks up AWS credentials handed out at sign-in (for an MQTT simulator). */
  awsCredentialsFor(accessKeyId: string): IssuedToken | undefined;
  setDevices(devices: RawDeviceEntry[] | number): void;
  devices(): RawDeviceEntry[];
  resetCounts(): void;
  close(): Promise<void>;
}

// ---- deterministic device data ---------------------------------------------------------------

/** MAC of generated device i: 12 lowercase hex digits, stable across runs. */
export function generatedMac(index: number): string {
  return `a4c138${(0x2f0000 + index).toString(16).padStart(6, '0').slice(-6)}`;
}

/** A plausible NWP500 list entry for index i (0-based), named "Water Heater i+1". */
export function generateDeviceEntry(index: number): RawDeviceEntry {
  return {
    deviceInfo: {
      homeSeq: 40217 + index,
      macAddress: generatedMac(index),
      additionalValue: String(7781 + index * 13),
      deviceType: 52,
      deviceName: `Water Heater ${index + 1}`,
      connected: 2,
      installType: 'R',
    },
    location: {
      state: 'Oregon',
      city: 'Bend',
      address: `${18 + index} Juniper Ln`,
      latitude: 44.0582,
      longitude: -121.3153,
      altitude: null,
    },
  };
}

/** The controller serial number the MQTT feature record reports for a MAC (e.g. 70310452KX24110937). */
export function controllerSerialFor(mac: string): string {
  const hash = createHash('sha256').update(`controller:${mac.toLowerCase()}`).digest();
  const digits = (from: number, n: number): string =>
    Array.from(hash.subarray(from, from + n), (b) => String(b % 10)).join('');
  const letters = String.fromCharCode(65 + (hash[20] % 26), 65 + (hash[21] % 26));
  return `${digits(0, 8)}${letters}${digits(8, 8)}`;
}

export function defaultFirmware(entry: RawDeviceEntry): RawFirmware[] {
  const { macAddress, additionalValue, deviceType } = entry.deviceInfo;
  const base = { macAddress, additionalValue, deviceType: deviceType ?? 52, deviceGroup: 'NWP500' };
  return [
    { ...base, curSwCode: 1, curVersion: 201457920, downloadedVersion: null },
    { ...base, curSwCode: 2, curVersion: 33816576, downloadedVersion: null },
    { ...base, curSwCode: 4, curVersion: 50790400, downloadedVersion: 50856192 },
  ];
}

/** A two-season time-of-day plan shaped like §6.6. */
export function defaultTou(controllerId: string): RawTouResponse {
  const interval = (week: number, from: number, to: number, price: number) => ({
    week,
    startHour: from,
    startMinute: 0,
    endHour: to,
    endMinute: 59,
    priceMin: price,
    priceMax: price,
    decimalPoint: 5,
  });
  return {
    registerPath: 'wifi',
    sourceType: 'openei',
    touInfo: {
      controllerId,
      manufactureId: controllerId.slice(0, 15),
      name: 'Residential Time-of-Day Example',
      utility: 'Example Electric Cooperative',
      zipCode: 97702,
      schedule: [
        {
          season: 960,
          interval: [
            interval(124, 0, 15, 21870),
            interval(124, 16, 20, 41977),
            interval(130, 0, 23, 21870),
          ],
        },
        { season: 3135, interval: [interval(254, 0, 23, 19405)] },
      ],
    },
  };
}

function toEntries(devices: RawDeviceEntry[] | number | undefined): RawDeviceEntry[] {
  if (devices === undefined) return [generateDeviceEntry(0)];
  if (typeof devices === 'number') {
    return Array.from({ length: devices }, (_, i) => generateDeviceEntry(i));
  }
  return devices.map((d) => structuredClone(d));
}

// ---- server ----------------------------------------------------------------------------------

interface Session extends IssuedToken {
  idToken: string;
}

interface Reply {
  status: number;
  body: unknown;
}

const envelope = (code: number, msg: string, data?: unknown): Reply => ({
  status: code >= 100 && code <= 599 ? code : 200,
  body: data === undefined ? { code, msg } : { code, msg, data },
});
const ok = (data?: unknown): Reply => ({ status: 200, body: { code: 200, msg: 'SUCCESS', data } });
const notFound = (): Reply => envelope(404, 'NOT_FOUND', null);

function token(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

export async function startRestServer(opts: RestServerOptions = {}): Promise<RestServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw new Error(`The Navien REST simulator only listens on loopback, not on ${host}`);
  }
  const now = opts.now ?? Date.now;
  const accounts = new Map(
    (opts.accounts ?? [{ email: DEMO_EMAIL, password: DEMO_PASSWORD }]).map((a) => [
      a.email.toLowerCase(),
      a.password,
    ]),
  );
  const accessLifetime = opts.accessTokenLifetimeSec ?? 3600;
  const awsLifetime = opts.awsLifetimeSec ?? 3600;
  let devices = toEntries(opts.devices);
  const sessions: Session[] = [];
  const faults = new Map<string, RestFault & { remaining: number }>();
  const counts: RestCounts = { signIn: 0, refresh: 0, total: 0 };
  const requests: LoggedRequest[] = [];
  const requestLogLimit = opts.requestLogLimit ?? 10_000;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const issue = (email: string): Session => {
    const at = now();
    const session: Session = {
      email,
      idToken: token('id.'),
      accessToken: token('acc.'),
      refreshToken: token('ref.'),
      accessExpiresAt: at + accessLifetime * 1000,
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretKey: randomBytes(30).toString('base64url'),
      sessionToken: token('sts.'),
      awsExpiresAt: at + awsLifetime * 1000,
      expired: false,
    };
    sessions.push(session);
    // The oldest tokens stop working, as a real server would eventually revoke them.
    if (sessions.length > MAX_SESSIONS) sessions.splice(0, sessions.length - MAX_SESSIONS);
    return session;
  };

  const authorised = (header: string | undefined): Session | undefined => {
    if (!header || /^bearer /i.test(header)) return undefined;
    const s = sessions.find((x) => x.accessToken === header);
    return s && !s.expired && now() < s.accessExpiresAt ? s : undefined;
  };

  const findDevice = (mac: unknown): RawDeviceEntry | undefined =>
    typeof mac === 'string'
      ? devices.find((d) => d.deviceInfo.macAddress === mac.toLowerCase())
      : undefined;

  const route = (
    method: string,
    path: string,
    query: Record<string, string>,
    body: Record<string, unknown>,
    authHeader: string | undefined,
  ): Reply => {
    if (method === 'POST' && path === '/user/sign-in') {
      const email = typeof body.userId === 'string' ? body.userId.toLowerCase() : '';
      const expected = accounts.get(email);
      if (expected === undefined || expected !== body.password) {
        return {
          status: opts.badCredentialsHttpStatus ?? 401,
          body: { code: 401, msg: 'Invalid credentials' },
        };
      }
      const s = issue(email);
      return ok({
        userInfo: {
          userType: 'O',
          userFirstName: 'Demo',
          userLastName: 'User',
          userStatus: 'NORMAL',
          userSeq: 91544,
        },
        token: {
          idToken: s.idToken,
          accessToken: s.accessToken,
          refreshToken: s.refreshToken,
          authenticationExpiresIn: accessLifetime,
          accessKeyId: s.accessKeyId,
          secretKey: s.secretKey,
          sessionToken: s.sessionToken,
          authorizationExpiresIn: awsLifetime,
        },
        legal: [],
      });
    }
    if (method === 'POST' && path === '/auth/refresh') {
      const old = sessions.find((x) => x.refreshToken === body.refreshToken);
      if (!old) return envelope(401, 'Invalid refresh token');
      const at = now();
      old.accessToken = token('acc.');
      old.idToken = token('id.');
      old.accessExpiresAt = at + accessLifetime * 1000;
      old.expired = false;
      const data: Record<string, unknown> = {
        idToken: old.idToken,
        accessToken: old.accessToken,
        refreshToken: old.refreshToken,
        authenticationExpiresIn: accessLifetime,
      };
      if (opts.refreshReturnsAws) {
        old.accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
        old.secretKey = randomBytes(30).toString('base64url');
        old.sessionToken = token('sts.');
        old.awsExpiresAt = at + awsLifetime * 1000;
        Object.assign(data, {
          accessKeyId: old.accessKeyId,
          secretKey: old.secretKey,
          sessionToken: old.sessionToken,
          authorizationExpiresIn: awsLifetime,
        });
      }
      return ok(data);
    }

    const known = [
      '/device/list',
      '/device/info',
      '/device/firmware/info',
      '/device/tou',
      '/app/update-push-token',
    ];
    if (!known.includes(path)) return notFound();
    const user = authorised(authHeader);
    if (!user) return envelope(401, 'Unauthorized');
    const userId = method === 'GET' ? query.userId : body.userId;
    if (typeof userId === 'string' && userId.toLowerCase() !== user.email) {
      return envelope(403, 'FORBIDDEN');
    }

    if (method === 'POST' && path === '/device/list') {
      const offset = Math.max(0, Number(body.offset ?? 0) || 0);
      const count = Math.min(MAX_PAGE, Math.max(1, Number(body.count ?? MAX_PAGE) || MAX_PAGE));
      return ok(devices.slice(offset, offset + count));
    }
    if (method === 'POST' && path === '/device/info') {
      const device = findDevice(body.macAddress);
      if (!device) return notFound();
      return ok({
        deviceInfo: { ...device.deviceInfo },
        location: device.location ?? null,
        installer: {
          installerId: 'inst-0042',
          installerFirstName: 'Riley',
          installerLastName: 'Plumbing',
          installerPhoneNumber: '+1-541-555-0142',
        },
        alarmInfo: { isEtcAlarm: 1, isErrorAlarm: 1 },
        descaling: { descalingStartTime: null, descalingEndTime: null },
      });
    }
    if (method === 'POST' && path === '/device/firmware/info') {
      const device = findDevice(body.macAddress);
      if (!device) return notFound();
      const custom = opts.firmwareByMac?.(device.deviceInfo.macAddress);
      return ok({ firmwares: custom ?? defaultFirmware(device) });
    }
    if (method === 'GET' && path === '/device/tou') {
      if (!query.controllerId) return envelope(400, 'controllerId is required');
      const device = findDevice(query.macAddress);
      if (!device) return notFound();
      const custom = opts.touByMac
        ? opts.touByMac(device.deviceInfo.macAddress)
        : defaultTou(query.controllerId);
      return custom ? ok(custom) : notFound();
    }
    if (method === 'POST' && path === '/app/update-push-token') return ok();
    return envelope(405, 'METHOD_NOT_ALLOWED');
  };

  const send = (res: http.ServerResponse, reply: Reply, extraHeaders: Record<string, string>) => {
    res.writeHead(reply.status, { 'content-type': 'application/json', ...extraHeaders });
    res.end(JSON.stringify(reply.body));
  };

  const takeFault = (path: string): RestFault | undefined => {
    const fault = faults.get(path) ?? faults.get('*');
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) {
      for (const [key, value] of faults) if (value === fault) faults.delete(key);
    }
    return fault;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith(API_PATH_PREFIX)
      ? url.pathname.slice(API_PATH_PREFIX.length) || '/'
      : url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    let badBody = false;
    if (text.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
      } catch {
        badBody = true;
      }
    }
    counts.total++;
    counts[path] = (counts[path] ?? 0) + 1;
    // Faulted calls count too: tests assert how often the client tried.
    if (path === '/user/sign-in') counts.signIn++;
    if (path === '/auth/refresh') counts.refresh++;
    const logged: LoggedRequest = {
      method,
      path,
      query,
      hasAuthorization: typeof req.headers.authorization === 'string',
      body: redact(body),
      status: 0,
      at: now(),
    };
    requests.push(logged);
    if (requests.length > requestLogLimit) requests.splice(0, requests.length - requestLogLimit);

    const fault = takeFault(path);
    if (fault?.delayMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, fault.delayMs);
        timers.add(timer);
      });
      if (res.destroyed) return;
    }
    const onlyDelay =
      fault &&
      fault.status === undefined &&
      fault.bodyCode === undefined &&
      !fault.html &&
      !fault.invalidJson;
    if (fault && !onlyDelay) {
      const status = fault.status ?? (fault.bodyCode !== undefined ? 200 : 500);
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      logged.status = status;
      if (fault.html) {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
        res.end(
          `<!DOCTYPE html><html><head><title>${status} Error</title></head><body><h1>${status}</h1><p>The server is temporarily unable to service your request.</p></body></html>`,
        );
        return;
      }
      if (fault.invalidJson) {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end('{"code":200,"msg":"SUCC');
        return;
      }
      const code = fault.bodyCode ?? status;
      send(
        res,
        { status, body: { code, msg: code === 429 ? 'TOO_MANY_REQUESTS' : 'ERROR' } },
        headers,
      );
      return;
    }
    const reply = badBody
      ? envelope(400, 'BAD_REQUEST')
      : route(method, path, query, body, req.headers.authorization);
    logged.status = reply.status;
    send(res, reply, {});
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, envelope(500, 'INTERNAL_ERROR'), {});
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const listIssued = (): IssuedToken[] =>
    sessions.map((s) => ({
      email: s.email,
      accessToken: s.accessToken,
      refreshToken: s.refreshToken,
      accessExpiresAt: s.accessExpiresAt,
      accessKeyId: s.accessKeyId,
      secretKey: s.secretKey,
      sessionToken: s.sessionToken,
      awsExpiresAt: s.awsExpiresAt,
      expired: s.expired || now() >= s.accessExpiresAt,
    }));
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}${API_PATH_PREFIX}`,
    port,
    counts,
    requests,
    setFault(path, fault) {
      if (fault === null) faults.delete(path);
      else faults.set(path, { ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    },
    expireAllTokens() {
      for (const s of sessions) s.expired = true;
    },
    issuedTokens: listIssued,
    awsCredentialsFor(accessKeyId) {
      return listIssued().find((t) => t.accessKeyId === accessKeyId);
    },
    setDevices(next) {
      devices = toEntries(next);
    },
    devices() {
      return devices.map((d) => structuredClone(d));
    },
    resetCounts() {
      for (const key of Object.keys(counts)) counts[key] = 0;
      requests.length = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

function redact(body: Record<string, unknown>): unknown {
  if (!('password' in body)) return body;
  const copy = { ...body };
  delete copy.password;
  return copy;
}
