import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RawDeviceEntry, RawFirmware, RawTouResponse } from '../navien/types';
import type { AdminReply, AdminRequest } from './heater-admin';
import { toEntries } from './rest-data';
import { FaultStore, onlyDelays, writeFault, type RestFault } from './rest-faults';
import { envelope, route, type Reply, type RouteContext } from './rest-routes';
import { SessionStore, type IssuedToken } from './rest-sessions';

/**
 * A loopback stand-in for the Navien REST API (NAVIEN-PROTOCOL.md §1, §6): same paths, same
 * envelope, opaque tokens that expire, pagination, and injectable faults. The simulator and
 * the tests build on it; it never listens on anything but loopback. This file holds the HTTP
 * plumbing (listening, body parsing, counting, logging); the routes, sessions, faults and
 * device data live in rest-routes.ts, rest-sessions.ts, rest-faults.ts and rest-data.ts.
 */

export {
  controllerSerialFor,
  defaultFirmware,
  defaultTou,
  generatedMac,
  generateDeviceEntry,
} from './rest-data';
export type { RestFault } from './rest-faults';
export type { IssuedToken } from './rest-sessions';

export const DEMO_EMAIL = 'demo@example.com';
export const DEMO_PASSWORD = 'demo-password';
export const API_PATH_PREFIX = '/api/v2.1';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

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
  /** The simulator's admin API (heater-admin.ts): undefined = not an admin path. Never counted. */
  admin?: (req: AdminRequest) => AdminReply | undefined;
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

interface ParsedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  /** The body was not JSON. */
  badBody: boolean;
}

async function readRequest(req: http.IncomingMessage): Promise<ParsedRequest> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname.startsWith(API_PATH_PREFIX)
    ? url.pathname.slice(API_PATH_PREFIX.length) || '/'
    : url.pathname;
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
  return {
    method: req.method ?? 'GET',
    path,
    query: Object.fromEntries(url.searchParams.entries()),
    body,
    badBody,
  };
}

function send(res: http.ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(reply.body));
}

function redact(body: Record<string, unknown>): unknown {
  if (!('password' in body)) return body;
  const copy = { ...body };
  delete copy.password;
  return copy;
}

async function listen(server: http.Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function startRestServer(opts: RestServerOptions = {}): Promise<RestServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw new Error(`The Navien REST simulator only listens on loopback, not on ${host}`);
  }
  const now = opts.now ?? Date.now;
  const accessLifetimeSec = opts.accessTokenLifetimeSec ?? 3600;
  const awsLifetimeSec = opts.awsLifetimeSec ?? 3600;
  let devices = toEntries(opts.devices);
  const sessions = new SessionStore({ accessSec: accessLifetimeSec, awsSec: awsLifetimeSec }, now);
  const context: RouteContext = {
    sessions,
    accounts: new Map(
      (opts.accounts ?? [{ email: DEMO_EMAIL, password: DEMO_PASSWORD }]).map((a) => [
        a.email.toLowerCase(),
        a.password,
      ]),
    ),
    accessLifetimeSec,
    awsLifetimeSec,
    refreshReturnsAws: opts.refreshReturnsAws ?? false,
    badCredentialsHttpStatus: opts.badCredentialsHttpStatus ?? 401,
    devices: () => devices,
    touByMac: opts.touByMac,
    firmwareByMac: opts.firmwareByMac,
  };
  const faults = new FaultStore();
  const counts: RestCounts = { signIn: 0, refresh: 0, total: 0 };
  const requests: LoggedRequest[] = [];
  const requestLogLimit = opts.requestLogLimit ?? 10_000;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const count = (path: string): void => {
    counts.total++;
    counts[path] = (counts[path] ?? 0) + 1;
    // Faulted calls count too: tests assert how often the client tried.
    if (path === '/user/sign-in') counts.signIn++;
    if (path === '/auth/refresh') counts.refresh++;
  };

  const log = (req: http.IncomingMessage, parsed: ParsedRequest): LoggedRequest => {
    const logged: LoggedRequest = {
      method: parsed.method,
      path: parsed.path,
      query: parsed.query,
      hasAuthorization: typeof req.headers.authorization === 'string',
      body: redact(parsed.body),
      status: 0,
      at: now(),
    };
    requests.push(logged);
    if (requests.length > requestLogLimit) requests.splice(0, requests.length - requestLogLimit);
    return logged;
  };

  const delay = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const parsed = await readRequest(req);
    const adminReply = opts.admin?.(parsed);
    if (adminReply) return send(res, adminReply);
    count(parsed.path);
    const logged = log(req, parsed);
    const fault = faults.take(parsed.path);
    if (fault?.delayMs) {
      await delay(fault.delayMs);
      if (res.destroyed) return;
    }
    if (fault && !onlyDelays(fault)) {
      logged.status = writeFault(res, fault);
      return;
    }
    const reply = parsed.badBody
      ? envelope(400, 'BAD_REQUEST')
      : route({ ...parsed, authorization: req.headers.authorization }, context);
    logged.status = reply.status;
    send(res, reply);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, envelope(500, 'INTERNAL_ERROR'));
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, opts.port ?? 0, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}${API_PATH_PREFIX}`,
    port,
    counts,
    requests,
    setFault: (path, fault) => faults.set(path, fault),
    expireAllTokens: () => sessions.expireAll(),
    issuedTokens: () => sessions.list(),
    awsCredentialsFor(accessKeyId) {
      return sessions.list().find((t) => t.accessKeyId === accessKeyId);
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
