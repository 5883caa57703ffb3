/**
 * Sessions of the REST simulator: opaque tokens handed out at sign-in, renewed by refresh,
 * expiring on the injected clock, and AWS credentials for the MQTT simulator.
 */
import { randomBytes } from 'node:crypto';

/** A long-running simulator keeps only this many live sessions. */
export const MAX_SESSIONS = 1_000;

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

export interface Session extends IssuedToken {
  idToken: string;
}

export interface SessionLifetimes {
  accessSec: number;
  awsSec: number;
}

function token(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

function newAwsKeys(session: Session, at: number, awsSec: number): void {
  session.accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
  session.secretKey = randomBytes(30).toString('base64url');
  session.sessionToken = token('sts.');
  session.awsExpiresAt = at + awsSec * 1000;
}

export class SessionStore {
  private readonly sessions: Session[] = [];

  constructor(
    private readonly lifetimes: SessionLifetimes,
    private readonly now: () => number,
  ) {}

  issue(email: string): Session {
    const at = this.now();
    const session: Session = {
      email,
      idToken: token('id.'),
      accessToken: token('acc.'),
      refreshToken: token('ref.'),
      accessExpiresAt: at + this.lifetimes.accessSec * 1000,
      accessKeyId: '',
      secretKey: '',
      sessionToken: '',
      awsExpiresAt: 0,
      expired: false,
    };
    newAwsKeys(session, at, this.lifetimes.awsSec);
    this.sessions.push(session);
    // The oldest tokens stop working, as a real server would eventually revoke them.
    if (this.sessions.length > MAX_SESSIONS)
      this.sessions.splice(0, this.sessions.length - MAX_SESSIONS);
    return session;
  }

  /** New access and id tokens (and AWS keys when `withAws`), or undefined for an unknown token. */
  refresh(refreshToken: unknown, withAws: boolean): Session | undefined {
    const old = this.sessions.find((x) => x.refreshToken === refreshToken);
    if (!old) return undefined;
    const at = this.now();
    old.accessToken = token('acc.');
    old.idToken = token('id.');
    old.accessExpiresAt = at + this.lifetimes.accessSec * 1000;
    old.expired = false;
    if (withAws) newAwsKeys(old, at, this.lifetimes.awsSec);
    return old;
  }

  /** The session of a raw `Authorization` header (the API takes no "Bearer " prefix). */
  authorised(header: string | undefined): Session | undefined {
    if (!header || /^bearer /i.test(header)) return undefined;
    const s = this.sessions.find((x) => x.accessToken === header);
    return s && !s.expired && this.now() < s.accessExpiresAt ? s : undefined;
  }

  expireAll(): void {
    for (const s of this.sessions) s.expired = true;
  }

  list(): IssuedToken[] {
    const now = this.now();
    return this.sessions.map((s) => ({
      email: s.email,
      accessToken: s.accessToken,
      refreshToken: s.refreshToken,
      accessExpiresAt: s.accessExpiresAt,
      accessKeyId: s.accessKeyId,
      secretKey: s.secretKey,
      sessionToken: s.sessionToken,
      awsExpiresAt: s.awsExpiresAt,
      expired: s.expired || now >= s.accessExpiresAt,
    }));
  }
}
