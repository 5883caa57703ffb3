import { EventEmitter, setMaxListeners } from 'node:events';
import { TOKEN_EXPIRY_MARGIN_MS } from './constants';
import { NavienError, isNavienError } from './errors';
import { NavienHttpError, type NavienHttp, type NavienRequest } from './http';
import type { TokenStore } from './token-store';
import { silentLogger, type AwsCredentials, type Logger, type SessionTokens } from './types';

export type SessionStateName = 'idle' | 'signing-in' | 'ready' | 'auth-failed' | 'backoff';

export interface SessionState {
  state: SessionStateName;
  error?: NavienError;
  /** Epoch ms before which no new sign-in is attempted. */
  retryAt?: number;
}

export interface NavienSessionOptions {
  http: NavienHttp;
  email: string;
  password: string;
  store?: TokenStore;
  logger?: Logger;
  now?: () => number;
  random?: () => number;
}

/** After a rejected password: 15, 30, 60, 60 … minutes, so an account is never locked by us. */
const BAD_PASSWORD_BACKOFF_MS = [15 * 60_000, 30 * 60_000, 60 * 60_000];
const NETWORK_BACKOFF_START_MS = 2000;
const NETWORK_BACKOFF_CAP_MS = 5 * 60_000;
/** Keep-fresh timers fire slightly after the due instant so the policy check sees "expired". */
const KEEP_FRESH_SLACK_MS = 100;
const KEEP_FRESH_RETRY_MS = 60_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

type Renewal = 'sign-in' | 'refresh' | 'reuse';

interface SignInData {
  userInfo?: { userType?: unknown };
  token?: unknown;
  tokens?: unknown;
}

/**
 * Owns one account's tokens: lazy sign-in, refresh before expiry, one renewal at a time for any
 * number of callers, persistence, and backoffs that keep a wrong password from locking the
 * account. Policy: NAVIEN-PROTOCOL.md §1.6.
 */
export class NavienSession extends EventEmitter {
  private readonly http: NavienHttp;
  private readonly email: string;
  /** ES-private so util.inspect() and debuggers' object dumps do not show it. */
  readonly #password: string;
  private readonly store?: TokenStore;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly lifetime = new AbortController();

  /** ES-private for the same reason as the password: tokens are secrets too. */
  #tokens?: SessionTokens;
  private storeLoaded = false;
  /** Counts successful sign-ins, so a waiting renewAwsCredentials() sees that one happened. */
  private signIns = 0;
  private renewal?: Promise<SessionTokens>;
  private closed = false;
  private current: SessionState = { state: 'idle' };

  private badPasswordStrikes = 0;
  private networkStrikes = 0;
  private blockedUntil = 0;
  private blockError?: NavienError;

  private keepFresh = false;
  private keepFreshTimer?: NodeJS.Timeout;

  constructor(opts: NavienSessionOptions) {
    super();
    this.http = opts.http;
    this.email = (opts.email ?? '').trim();
    this.#password = opts.password ?? '';
    this.store = opts.store;
    this.logger = opts.logger ?? silentLogger;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    // Every concurrent request listens on this signal; dozens at once are normal, not a leak.
    setMaxListeners(0, this.lifetime.signal);
  }

  get state(): SessionState {
    return { ...this.current };
  }

  /** "O" (owner) once signed in; needed by the TOU call. */
  get userType(): string | undefined {
    return this.#tokens?.userType;
  }

  /** Valid tokens, signing in or refreshing first when the policy says so. */
  async getTokens(): Promise<SessionTokens> {
    for (;;) {
      this.assertOpen();
      if (this.renewal) {
        // Someone else is renewing: wait, then re-check (their tokens are usually fine).
        await this.renewal.catch(() => undefined);
        continue;
      }
      if (this.storeLoaded && this.#tokens && this.plan(this.#tokens) === 'reuse') {
        return this.#tokens;
      }
      if (!this.email) throw this.notConfigured();
      this.throwIfBlocked();
      return this.startRenewal(() => this.renew());
    }
  }

  /** An authorised call; a 401 answer leads to one refresh and one retry. */
  async request<T>(req: Omit<NavienRequest, 'token'>): Promise<T> {
    const tokens = await this.getTokens();
    const linked = linkSignals(req.signal, this.lifetime.signal);
    try {
      return await this.authorisedRequest<T>(req, tokens, linked.signal);
    } finally {
      linked.dispose();
    }
  }

  private async authorisedRequest<T>(
    req: Omit<NavienRequest, 'token'>,
    tokens: SessionTokens,
    signal: AbortSignal,
  ): Promise<T> {
    try {
      return await this.http.request<T>({ ...req, signal, token: tokens.accessToken });
    } catch (err) {
      if (!isUnauthorized(err)) throw err;
      this.logger.debug(`Navien answered 401 on ${req.path}; refreshing the access token`);
    }
    const renewed = await this.renewAfterUnauthorized(tokens.accessToken);
    try {
      return await this.http.request<T>({ ...req, signal, token: renewed.accessToken });
    } catch (err) {
      if (!isUnauthorized(err)) throw err;
      throw new NavienError(
        'NAVIEN_AUTH_FAILED',
        `Navien refused ${req.method} ${req.path} as unauthorized (401) even after renewing the access token`,
        { apiCode: 401, httpStatus: err.httpStatus },
      );
    }
  }

  /**
   * Forces a full sign-in for fresh AWS credentials (MQTT upgrade got HTTP 403, or the
   * credentials are about to expire). Callers arriving while one runs share it.
   */
  async renewAwsCredentials(reason: string): Promise<void> {
    const before = this.signIns;
    for (;;) {
      this.assertOpen();
      if (this.renewal) {
        await this.renewal.catch(() => undefined);
        continue;
      }
      const t = this.#tokens;
      if (t && this.signIns !== before && !this.awsExpired(t)) return;
      if (!this.email) throw this.notConfigured();
      this.throwIfBlocked();
      this.logger.info(`Navien: signing in again for new AWS credentials (${reason})`);
      await this.startRenewal(() => this.signIn());
      return;
    }
  }

  /** Current AWS credentials for SigV4 signing, without any I/O. */
  awsCredentials(): AwsCredentials | undefined {
    const t = this.#tokens;
    if (!t?.accessKeyId || !t.secretKey || !t.sessionToken) return undefined;
    const creds: AwsCredentials = {
      accessKeyId: t.accessKeyId,
      secretKey: t.secretKey,
      sessionToken: t.sessionToken,
    };
    if (t.authorizationExpiresIn !== undefined) {
      creds.expiresAt = t.awsIssuedAt + t.authorizationExpiresIn * 1000 - TOKEN_EXPIRY_MARGIN_MS;
    }
    return creds;
  }

  /** While on, tokens are renewed ahead of expiry (an MQTT connection needs live AWS creds). */
  setKeepFresh(on: boolean): void {
    this.keepFresh = on && !this.closed;
    this.scheduleKeepFresh();
  }

  /** Stops timers and aborts HTTP in flight; every later call rejects with NAVIEN_CANCELLED. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.keepFresh = false;
    this.scheduleKeepFresh();
    this.lifetime.abort();
    this.setState({ state: 'idle' });
  }

  // ---- policy ------------------------------------------------------------------------------

  private jwtExpired(t: SessionTokens): boolean {
    return this.now() >= t.issuedAt + t.authenticationExpiresIn * 1000 - TOKEN_EXPIRY_MARGIN_MS;
  }

  private awsExpired(t: SessionTokens): boolean {
    if (t.authorizationExpiresIn === undefined) return false;
    return this.now() >= t.awsIssuedAt + t.authorizationExpiresIn * 1000 - TOKEN_EXPIRY_MARGIN_MS;
  }

  private plan(t: SessionTokens | undefined): Renewal {
    if (!t || this.awsExpired(t)) return 'sign-in';
    return this.jwtExpired(t) ? 'refresh' : 'reuse';
  }

  // ---- renewal -----------------------------------------------------------------------------

  /** Runs `work` as the one renewal every caller waits for. */
  private startRenewal(work: () => Promise<SessionTokens>): Promise<SessionTokens> {
    const running = work().finally(() => {
      if (this.renewal === running) this.renewal = undefined;
      this.scheduleKeepFresh();
    });
    this.renewal = running;
    return running;
  }

  private async renew(): Promise<SessionTokens> {
    await this.loadStoredTokens();
    const plan = this.plan(this.#tokens);
    if (plan === 'reuse' && this.#tokens) {
      // Stored tokens are still good: no call needed.
      this.setState({ state: 'ready' });
      return this.#tokens;
    }
    if (plan === 'refresh') {
      const refreshed = await this.tryRefresh();
      if (refreshed) return refreshed;
    }
    return this.signIn();
  }

  private async renewAfterUnauthorized(rejectedToken: string): Promise<SessionTokens> {
    for (;;) {
      this.assertOpen();
      if (this.renewal) {
        await this.renewal.catch(() => undefined);
        continue;
      }
      // Another caller already replaced the rejected token: use theirs.
      if (this.#tokens && this.#tokens.accessToken !== rejectedToken) return this.#tokens;
      this.throwIfBlocked();
      return this.startRenewal(async () => (await this.tryRefresh()) ?? this.signIn());
    }
  }

  private async loadStoredTokens(): Promise<void> {
    if (this.storeLoaded) return;
    this.storeLoaded = true;
    if (!this.store || this.#tokens) return;
    try {
      const stored = await this.store.load();
      if (stored) {
        this.#tokens = stored;
        this.logger.debug('Navien: using stored tokens');
      }
    } catch (err) {
      this.logger.warn(`Navien: could not read stored tokens (${describe(err)})`);
    }
  }

  /**
   * Refreshes the access token. Returns undefined when the API rejected the refresh and a
   * sign-in with the password should be tried instead; network trouble backs off instead.
   */
  private async tryRefresh(): Promise<SessionTokens | undefined> {
    const old = this.#tokens;
    if (!old) return undefined;
    this.setState({ state: 'signing-in' });
    let data: Record<string, unknown>;
    try {
      data = await this.http.request<Record<string, unknown>>({
        method: 'POST',
        path: '/auth/refresh',
        body: { refreshToken: old.refreshToken },
        signal: this.lifetime.signal,
      });
      if (!data || typeof data !== 'object' || typeof data.accessToken !== 'string') {
        throw new NavienError('NAVIEN_TOKEN_REFRESH_FAILED', 'Navien refresh answer had no token');
      }
    } catch (err) {
      const error = asNavienError(err, 'NAVIEN_TOKEN_REFRESH_FAILED');
      if (error.code === 'NAVIEN_CANCELLED') throw error;
      if (isTransient(error) || !this.#password) {
        throw this.backOff(
          new NavienError(
            isConnectionTrouble(error) ? error.code : 'NAVIEN_TOKEN_REFRESH_FAILED',
            `Token refresh failed: ${error.message}`,
            { apiCode: error.apiCode, httpStatus: error.httpStatus, retriable: true },
          ),
          error.retryAfterMs,
        );
      }
      this.logger.info(`Navien: token refresh rejected (${error.message}); signing in again`);
      return undefined;
    }
    const merged = mergeRefresh(old, data, this.now());
    await this.accept(merged);
    return merged;
  }

  private async signIn(): Promise<SessionTokens> {
    this.storeLoaded = true;
    if (!this.email || !this.#password) throw this.notConfigured();
    this.setState({ state: 'signing-in' });
    let data: SignInData;
    try {
      data = await this.http.request<SignInData>({
        method: 'POST',
        path: '/user/sign-in',
        body: { userId: this.email, password: this.#password },
        signal: this.lifetime.signal,
      });
    } catch (err) {
      throw this.signInFailed(asNavienError(err, 'NAVIEN_AUTH_FAILED'));
    }
    const block = parseTokenBlock(data?.token ?? data?.tokens);
    if (!block) {
      throw this.backOff(
        new NavienError('NAVIEN_AUTH_FAILED', 'Sign-in answer from Navien had no token block'),
      );
    }
    const receivedAt = this.now();
    const userType = data.userInfo?.userType;
    const tokens: SessionTokens = {
      ...block,
      issuedAt: receivedAt,
      awsIssuedAt: receivedAt,
      ...(typeof userType === 'string' ? { userType } : {}),
    };
    this.badPasswordStrikes = 0;
    this.signIns++;
    await this.accept(tokens);
    this.logger.info('Navien: signed in');
    return tokens;
  }

  private signInFailed(error: NavienError): NavienError {
    if (error.code === 'NAVIEN_CANCELLED') return error;
    if (isBadCredentials(error)) {
      const wait =
        BAD_PASSWORD_BACKOFF_MS[
          Math.min(this.badPasswordStrikes, BAD_PASSWORD_BACKOFF_MS.length - 1)
        ];
      this.badPasswordStrikes++;
      const rejected = new NavienError(
        'NAVIEN_INVALID_CREDENTIALS',
        `Sign-in failed: Navien rejected the e-mail or password. To avoid locking the account, the next attempt waits ${Math.round(wait / 60_000)} min (or fix the credentials and redeploy)`,
        { retriable: false, apiCode: error.apiCode, httpStatus: error.httpStatus },
      );
      this.block(rejected, wait, 'auth-failed');
      return this.blockedError();
    }
    const code = isConnectionTrouble(error) ? error.code : 'NAVIEN_AUTH_FAILED';
    return this.backOff(
      new NavienError(code, `Sign-in failed: ${error.message}`, {
        apiCode: error.apiCode,
        httpStatus: error.httpStatus,
        retriable: true,
      }),
      error.retryAfterMs,
    );
  }

  /** Exponential backoff with jitter for network / server trouble (2 s … 5 min). */
  private backOff(error: NavienError, serverWaitMs?: number): NavienError {
    const exponential = NETWORK_BACKOFF_START_MS * 2 ** this.networkStrikes;
    this.networkStrikes++;
    const jittered = Math.min(exponential * (0.5 + this.random()), NETWORK_BACKOFF_CAP_MS);
    this.block(error, Math.max(jittered, serverWaitMs ?? 0), 'backoff');
    return this.blockedError();
  }

  private block(error: NavienError, waitMs: number, state: 'auth-failed' | 'backoff'): void {
    this.blockedUntil = this.now() + waitMs;
    this.blockError = error;
    this.setState({ state, error: this.blockedError(), retryAt: this.blockedUntil });
  }

  /** The blocking error, with the time still to wait. */
  private blockedError(): NavienError {
    const base = this.blockError ?? new NavienError('NAVIEN_AUTH_FAILED', 'Sign-in failed');
    return new NavienError(base.code, base.message, {
      retriable: base.retriable,
      apiCode: base.apiCode,
      httpStatus: base.httpStatus,
      retryAfterMs: Math.max(0, this.blockedUntil - this.now()),
    });
  }

  private throwIfBlocked(): void {
    if (this.blockError && this.now() < this.blockedUntil) throw this.blockedError();
  }

  private async accept(tokens: SessionTokens): Promise<void> {
    this.#tokens = tokens;
    this.networkStrikes = 0;
    this.blockError = undefined;
    this.blockedUntil = 0;
    this.setState({ state: 'ready' });
    if (!this.store) return;
    try {
      await this.store.save(tokens);
    } catch (err) {
      this.logger.warn(`Navien: could not save tokens (${describe(err)})`);
    }
  }

  // ---- keep-fresh timer ----------------------------------------------------------------------

  private scheduleKeepFresh(): void {
    if (this.keepFreshTimer) clearTimeout(this.keepFreshTimer);
    this.keepFreshTimer = undefined;
    if (!this.keepFresh || this.closed || this.renewal) return;
    const due = this.nextRenewalDue();
    const delay = Math.min(Math.max(0, due - this.now()) + KEEP_FRESH_SLACK_MS, MAX_TIMER_MS);
    this.keepFreshTimer = setTimeout(() => this.onKeepFreshTimer(), delay);
    this.keepFreshTimer.unref();
  }

  private nextRenewalDue(): number {
    const t = this.#tokens;
    let due = this.now();
    if (t) {
      due = t.issuedAt + t.authenticationExpiresIn * 1000 - TOKEN_EXPIRY_MARGIN_MS;
      if (t.authorizationExpiresIn !== undefined) {
        due = Math.min(
          due,
          t.awsIssuedAt + t.authorizationExpiresIn * 1000 - TOKEN_EXPIRY_MARGIN_MS,
        );
      }
    }
    return this.blockError ? Math.max(due, this.blockedUntil) : due;
  }

  private onKeepFreshTimer(): void {
    this.keepFreshTimer = undefined;
    this.getTokens().then(
      () => this.scheduleKeepFresh(),
      (err: unknown) => {
        if (this.closed) return;
        this.logger.warn(`Navien: keeping tokens fresh failed (${describe(err)})`);
        if (this.blockError) {
          this.scheduleKeepFresh();
        } else if (this.keepFresh) {
          this.keepFreshTimer = setTimeout(() => this.onKeepFreshTimer(), KEEP_FRESH_RETRY_MS);
          this.keepFreshTimer.unref();
        }
      },
    );
  }

  // ---- helpers -----------------------------------------------------------------------------

  private setState(next: SessionState): void {
    const same =
      next.state === this.current.state &&
      next.retryAt === this.current.retryAt &&
      next.error === this.current.error;
    this.current = next;
    if (!same) this.emit('state', { ...next });
  }

  private assertOpen(): void {
    if (this.closed) throw new NavienError('NAVIEN_CANCELLED', 'The Navien session was closed');
  }

  private notConfigured(): NavienError {
    return new NavienError(
      'NAVIEN_NOT_CONFIGURED',
      'Navien account is not configured: enter the e-mail and password of the Navien Smart Control app',
    );
  }
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

function parseTokenBlock(value: unknown): Omit<SessionTokens, 'issuedAt' | 'awsIssuedAt'> | null {
  if (!value || typeof value !== 'object') return null;
  const b = value as Record<string, unknown>;
  if (typeof b.accessToken !== 'string' || typeof b.refreshToken !== 'string') return null;
  const opt = (key: string): string | undefined =>
    typeof b[key] === 'string' && b[key] !== '' ? b[key] : undefined;
  const block: Omit<SessionTokens, 'issuedAt' | 'awsIssuedAt'> = {
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

function isUnauthorized(err: unknown): err is NavienError {
  return isNavienError(err) && err.code === 'NAVIEN_AUTH_FAILED' && err.apiCode === 401;
}

/** §1.7: code 401, or a message saying invalid/unauthorized. */
function isBadCredentials(error: NavienError): boolean {
  if (error.apiCode === 401) return true;
  return (
    error instanceof NavienHttpError && /invalid|unauthori[sz]ed/i.test(error.apiMessage ?? '')
  );
}

/** Network-level failures keep their own code when reported after a sign-in/refresh. */
function isConnectionTrouble(error: NavienError): boolean {
  return (
    error.code === 'NAVIEN_NETWORK' ||
    error.code === 'NAVIEN_TIMEOUT' ||
    error.code === 'NAVIEN_RATE_LIMITED'
  );
}

/** Failures where the same request may work later without anyone changing anything. */
function isTransient(error: NavienError): boolean {
  if (isConnectionTrouble(error)) return true;
  const status = error.httpStatus ?? 0;
  return status >= 500 || (error.apiCode ?? 0) >= 500;
}

function asNavienError(
  err: unknown,
  fallback: 'NAVIEN_AUTH_FAILED' | 'NAVIEN_TOKEN_REFRESH_FAILED',
): NavienError {
  if (isNavienError(err)) return err;
  // Unknown errors may carry request internals; keep only a generic text.
  return new NavienError(fallback, 'Unexpected failure while talking to Navien');
}

function describe(err: unknown): string {
  return isNavienError(err) ? `${err.code}: ${err.message}` : 'unexpected error';
}

/** A signal that fires when either input fires; dispose() unhooks it (no listener build-up). */
function linkSignals(
  a: AbortSignal | undefined,
  b: AbortSignal,
): { signal: AbortSignal; dispose: () => void } {
  if (!a) return { signal: b, dispose: () => undefined };
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (a.aborted || b.aborted) {
    controller.abort();
    return { signal: controller.signal, dispose: () => undefined };
  }
  a.addEventListener('abort', abort, { once: true });
  b.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      a.removeEventListener('abort', abort);
      b.removeEventListener('abort', abort);
    },
  };
}
