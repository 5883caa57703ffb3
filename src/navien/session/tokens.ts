/**
 * Token arithmetic for the session (NAVIEN-PROTOCOL.md §1.5–1.6): when each token is due, what
 * renewing takes, and reading the sign-in and refresh answers. Pure functions of tokens and time.
 */
import { TOKEN_EXPIRY_MARGIN_MS } from '../constants';
import type { AwsCredentials, SessionTokens } from '../types';

/** What getting valid tokens needs right now. */
export type Renewal = 'sign-in' | 'refresh' | 'reuse';

type TokenBlock = Omit<SessionTokens, 'issuedAt' | 'awsIssuedAt'>;

/** The instant the access token (JWT) counts as expired, margin included. */
export function jwtDueAt(t: SessionTokens): number {
  return t.issuedAt + t.authenticationExpiresIn * 1000 - TOKEN_EXPIRY_MARGIN_MS;
}

/** The instant the AWS credentials count as expired, or undefined when they carry no expiry. */
export function awsDueAt(t: SessionTokens): number | undefined {
  if (t.authorizationExpiresIn === undefined) return undefined;
  return t.awsIssuedAt + t.authorizationExpiresIn * 1000 - TOKEN_EXPIRY_MARGIN_MS;
}

export function awsExpired(t: SessionTokens, now: number): boolean {
  const due = awsDueAt(t);
  return due !== undefined && now >= due;
}

/** What a bug report may show of a session: times only, never a token (epoch ms). */
export interface SessionTimeline {
  /** When the access token expires (as issued, without our renewal margin). */
  accessExpiresAt?: number;
  awsExpiresAt?: number;
  lastSignInAt?: number;
  lastRefreshAt?: number;
}

/** The expiry times of `t` as issued. */
export function tokenExpiries(t: SessionTokens | undefined): SessionTimeline {
  if (!t) return {};
  const access = { accessExpiresAt: t.issuedAt + t.authenticationExpiresIn * 1000 };
  if (t.authorizationExpiresIn === undefined) return access;
  return { ...access, awsExpiresAt: t.awsIssuedAt + t.authorizationExpiresIn * 1000 };
}

/** AWS credentials need a full sign-in; an expired JWT only a refresh. */
export function renewalPlan(t: SessionTokens | undefined, now: number): Renewal {
  if (!t || awsExpired(t, now)) return 'sign-in';
  return now >= jwtDueAt(t) ? 'refresh' : 'reuse';
}

/** The earliest instant one of the tokens needs renewing. */
export function renewalDueAt(t: SessionTokens): number {
  const aws = awsDueAt(t);
  return aws === undefined ? jwtDueAt(t) : Math.min(jwtDueAt(t), aws);
}

/** The AWS part of the tokens for SigV4 signing, when complete. */
export function awsCredentialsOf(t: SessionTokens | undefined): AwsCredentials | undefined {
  if (!t?.accessKeyId || !t.secretKey || !t.sessionToken) return undefined;
  const creds: AwsCredentials = {
    accessKeyId: t.accessKeyId,
    secretKey: t.secretKey,
    sessionToken: t.sessionToken,
  };
  const due = awsDueAt(t);
  if (due !== undefined) creds.expiresAt = due;
  return creds;
}

/** Tokens from a sign-in answer, or null when it has no usable token block. */
export function tokensFromSignIn(data: unknown, receivedAt: number): SessionTokens | null {
  const answer = (data ?? {}) as {
    userInfo?: { userType?: unknown };
    token?: unknown;
    tokens?: unknown;
  };
  const block = parseTokenBlock(answer.token ?? answer.tokens);
  if (!block) return null;
  const userType = answer.userInfo?.userType;
  return {
    ...block,
    issuedAt: receivedAt,
    awsIssuedAt: receivedAt,
    ...(typeof userType === 'string' ? { userType } : {}),
  };
}

/** §1.5: keep what the refresh answer omits; AWS expiry keeps counting from the old receipt. */
export function mergeRefresh(
  old: SessionTokens,
  data: Record<string, unknown>,
  receivedAt: number,
): SessionTokens {
  const str = (key: string): string | undefined => {
    const v = data[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const newAwsExpiry =
    typeof data.authorizationExpiresIn === 'number' ? data.authorizationExpiresIn : undefined;
  const awsRenewed = newAwsExpiry !== undefined && str('accessKeyId') !== undefined;
  return {
    ...old,
    accessToken: str('accessToken') ?? old.accessToken,
    refreshToken: str('refreshToken') ?? old.refreshToken,
    idToken: str('idToken') ?? old.idToken,
    authenticationExpiresIn:
      typeof data.authenticationExpiresIn === 'number' ? data.authenticationExpiresIn : 3600,
    accessKeyId: str('accessKeyId') ?? old.accessKeyId,
    secretKey: str('secretKey') ?? old.secretKey,
    sessionToken: str('sessionToken') ?? old.sessionToken,
    authorizationExpiresIn: awsRenewed ? newAwsExpiry : old.authorizationExpiresIn,
    issuedAt: receivedAt,
    awsIssuedAt: awsRenewed ? receivedAt : old.awsIssuedAt,
  };
}

function parseTokenBlock(value: unknown): TokenBlock | null {
  if (!value || typeof value !== 'object') return null;
  const b = value as Record<string, unknown>;
  if (typeof b.accessToken !== 'string' || typeof b.refreshToken !== 'string') return null;
  const opt = (key: string): string | undefined =>
    typeof b[key] === 'string' && b[key] !== '' ? b[key] : undefined;
  const block: TokenBlock = {
    accessToken: b.accessToken,
    refreshToken: b.refreshToken,
    authenticationExpiresIn:
      typeof b.authenticationExpiresIn === 'number' ? b.authenticationExpiresIn : 3600,
  };
  const idToken = opt('idToken');
  const accessKeyId = opt('accessKeyId');
  const secretKey = opt('secretKey');
  const sessionToken = opt('sessionToken');
  if (idToken) block.idToken = idToken;
  if (accessKeyId) block.accessKeyId = accessKeyId;
  if (secretKey) block.secretKey = secretKey;
  if (sessionToken) block.sessionToken = sessionToken;
  if (typeof b.authorizationExpiresIn === 'number') {
    block.authorizationExpiresIn = b.authorizationExpiresIn;
  }
  return block;
}
