/**
 * The REST simulator's route table (NAVIEN-PROTOCOL.md §1, §6): one small handler per
 * "METHOD /path", the sign-in and refresh routes open, every other one behind a valid access
 * token whose user matches the request's userId.
 */
import type { RawDeviceEntry, RawFirmware, RawTouResponse } from '../navien/types';
import { defaultFirmware, defaultTou } from './rest-data';
import type { Session, SessionStore } from './rest-sessions';

export interface Reply {
  status: number;
  body: unknown;
}

export interface RouteRequest {
  method: string;
  /** Path below the prefix, e.g. "/device/list". */
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

/** What the handlers read: the server's options and its live state. */
export interface RouteContext {
  sessions: SessionStore;
  accounts: ReadonlyMap<string, string>;
  accessLifetimeSec: number;
  awsLifetimeSec: number;
  refreshReturnsAws: boolean;
  badCredentialsHttpStatus: number;
  devices(): RawDeviceEntry[];
  touByMac?: (mac: string) => RawTouResponse | undefined;
  firmwareByMac?: (mac: string) => RawFirmware[] | undefined;
}

type OpenHandler = (req: RouteRequest, ctx: RouteContext) => Reply;
type UserHandler = (req: RouteRequest, ctx: RouteContext, user: Session) => Reply;

const MAX_PAGE = 20;

export const envelope = (code: number, msg: string, data?: unknown): Reply => ({
  status: code >= 100 && code <= 599 ? code : 200,
  body: data === undefined ? { code, msg } : { code, msg, data },
});
const ok = (data?: unknown): Reply => ({ status: 200, body: { code: 200, msg: 'SUCCESS', data } });
const notFound = (): Reply => envelope(404, 'NOT_FOUND', null);

function findDevice(ctx: RouteContext, mac: unknown): RawDeviceEntry | undefined {
  return typeof mac === 'string'
    ? ctx.devices().find((d) => d.deviceInfo.macAddress === mac.toLowerCase())
    : undefined;
}

const signIn: OpenHandler = ({ body }, ctx) => {
  const email = typeof body.userId === 'string' ? body.userId.toLowerCase() : '';
  const expected = ctx.accounts.get(email);
  if (expected === undefined || expected !== body.password) {
    return {
      status: ctx.badCredentialsHttpStatus,
      body: { code: 401, msg: 'Invalid credentials' },
    };
  }
  const s = ctx.sessions.issue(email);
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
      authenticationExpiresIn: ctx.accessLifetimeSec,
      accessKeyId: s.accessKeyId,
      secretKey: s.secretKey,
      sessionToken: s.sessionToken,
      authorizationExpiresIn: ctx.awsLifetimeSec,
    },
    legal: [],
  });
};

const refresh: OpenHandler = ({ body }, ctx) => {
  const s = ctx.sessions.refresh(body.refreshToken, ctx.refreshReturnsAws);
  if (!s) return envelope(401, 'Invalid refresh token');
  const data: Record<string, unknown> = {
    idToken: s.idToken,
    accessToken: s.accessToken,
    refreshToken: s.refreshToken,
    authenticationExpiresIn: ctx.accessLifetimeSec,
  };
  if (ctx.refreshReturnsAws) {
    Object.assign(data, {
      accessKeyId: s.accessKeyId,
      secretKey: s.secretKey,
      sessionToken: s.sessionToken,
      authorizationExpiresIn: ctx.awsLifetimeSec,
    });
  }
  return ok(data);
};

const deviceList: UserHandler = ({ body }, ctx) => {
  const offset = Math.max(0, Number(body.offset ?? 0) || 0);
  const count = Math.min(MAX_PAGE, Math.max(1, Number(body.count ?? MAX_PAGE) || MAX_PAGE));
  return ok(ctx.devices().slice(offset, offset + count));
};

const deviceInfo: UserHandler = ({ body }, ctx) => {
  const device = findDevice(ctx, body.macAddress);
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
};

const firmwareInfo: UserHandler = ({ body }, ctx) => {
  const device = findDevice(ctx, body.macAddress);
  if (!device) return notFound();
  const custom = ctx.firmwareByMac?.(device.deviceInfo.macAddress);
  return ok({ firmwares: custom ?? defaultFirmware(device) });
};

const tou: UserHandler = ({ query }, ctx) => {
  if (!query.controllerId) return envelope(400, 'controllerId is required');
  const device = findDevice(ctx, query.macAddress);
  if (!device) return notFound();
  const custom = ctx.touByMac
    ? ctx.touByMac(device.deviceInfo.macAddress)
    : defaultTou(query.controllerId);
  return custom ? ok(custom) : notFound();
};

const OPEN_ROUTES: Readonly<Record<string, OpenHandler>> = {
  'POST /user/sign-in': signIn,
  'POST /auth/refresh': refresh,
};

/** Routes that need a token, by path, then by method (a wrong method answers 405). */
const USER_ROUTES: Readonly<Record<string, Readonly<Record<string, UserHandler>>>> = {
  '/device/list': { POST: deviceList },
  '/device/info': { POST: deviceInfo },
  '/device/firmware/info': { POST: firmwareInfo },
  '/device/tou': { GET: tou },
  '/app/update-push-token': { POST: () => ok() },
};

export function route(req: RouteRequest, ctx: RouteContext): Reply {
  const open = OPEN_ROUTES[`${req.method} ${req.path}`];
  if (open) return open(req, ctx);
  const byMethod = Object.prototype.hasOwnProperty.call(USER_ROUTES, req.path)
    ? USER_ROUTES[req.path]
    : undefined;
  if (!byMethod) return notFound();
  const user = ctx.sessions.authorised(req.authorization);
  if (!user) return envelope(401, 'Unauthorized');
  const userId = req.method === 'GET' ? req.query.userId : req.body.userId;
  if (typeof userId === 'string' && userId.toLowerCase() !== user.email) {
    return envelope(403, 'FORBIDDEN');
  }
  const handler = Object.prototype.hasOwnProperty.call(byMethod, req.method)
    ? byMethod[req.method]
    : undefined;
  return handler ? handler(req, ctx, user) : envelope(405, 'METHOD_NOT_ALLOWED');
}
