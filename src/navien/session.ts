import { EventEmitter, setMaxListeners } from 'node:events';
import { systemClock, type Clock } from './clock';
import { NavienError, describeError, toNavienError } from './errors';
import type { NavienHttp, NavienRequest } from './http';
import {
  isBadCredentials,
  isConnectionTrouble,
  isTransient,
  isUnauthorized,
} from './session/failures';
import { KeepFreshTimer } from './session/keep-fresh';
import { linkSignals } from './session/signals';
import { SignInThrottle } from './session/throttle';
import {
  awsCredentialsOf,
  awsExpired,
  mergeRefresh,
  renewalDueAt,
  renewalPlan,
  tokenExpiries,
  tokensFromSignIn,
  type SessionTimeline,
} from './session/tokens';
import type { TokenStore } from './token-store';
import { silentLogger, type AwsCredentials, type Logger, type SessionTokens } from './types';

export { mergeRefresh } from './session/tokens';

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
  /** Time and the keep-fresh timer (tests pass a fake one); `now`, when given, wins for time. */
  clock?: Clock;
  random?: () => number;
}

/**
 * Owns one account's tokens: lazy sign-in, refresh before expiry, one renewal at a time for any
 * number of callers, persistence, and backoffs that keep a wrong password from locking the
 * account. Policy: NAVIEN-PROTOCOL.md §1.6. Token arithmetic lives in session/tokens.ts, the
 * waits after failures in session/throttle.ts, the renew-ahead timer in session/keep-fresh.ts.
 */
export class NavienSession extends EventEmitter {
  private readonly http: NavienHttp;
  private readonly email: string;
  /** ES-private so util.inspect() and debuggers' object dumps do not show it. */
  readonly #password: string;
  private readonly store?: TokenStore;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly lifetime = new AbortController();
  private readonly throttle: SignInThrottle;
  private readonly keepFresh: KeepFreshTimer;

  /** ES-private for the same reason as the password: tokens are secrets too. */
  #tokens?: SessionTokens;
  private storeLoaded = false;
  /** Counts successful sign-ins, so a waiting renewAwsCredentials() sees that one happened. */
  private signIns = 0;
  private renewal?: Promise<SessionTokens>;
  private closed = false;
  private current: SessionState = { state: 'idle' };
  /** Epoch ms of the last successful sign-in and refresh (diagnostics). */
  private lastSignInAt?: number;
  private lastRefreshAt?: number;

  constructor(opts: NavienSessionOptions) {
    super();
    this.http = opts.http;
    this.email = (opts.email ?? '').trim();
    this.#password = opts.password ?? '';
    this.store = opts.store;
    this.logger = opts.logger ?? silentLogger;
    const clock = opts.clock ?? systemClock;
    this.now = opts.now ?? (() => clock.now());
    this.throttle = new SignInThrottle({
      now: this.now,
      random: opts.random ?? Math.random,
      onBlock: (state, error, retryAt) => this.setState({ state, error, retryAt }),
    });
    this.keepFresh = new KeepFreshTimer({
      now: this.now,
      clock,
      logger: this.logger,
      idle: () => !this.closed && !this.renewal,
      dueAt: () => this.nextRenewalDue(),
      renew: () => this.getTokens(),
      throttled: () => this.throttle.blocked,
    });
    // Every concurrent request listens on this signal; dozens at once are normal, not a leak.
    setMaxListeners(0, this.lifetime.signal);
  }

  get state(): SessionState {
    return { ...this.current };
  }

  /** Times a bug report may show (no token values): expiries, last sign-in and refresh. */
  get timeline(): SessionTimeline {
    const { lastSignInAt, lastRefreshAt } = this;
    return { ...tokenExpiries(this.#tokens), lastSignInAt, lastRefreshAt };
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
      this.throttle.throwIfBlocked();
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
      if (t && this.signIns !== before && !awsExpired(t, this.now())) return;
      if (!this.email) throw this.notConfigured();
      this.throttle.throwIfBlocked();
      this.logger.info(`Navien: signing in again for new AWS credentials (${reason})`);
      await this.startRenewal(() => this.signIn());
      return;
    }
  }

  /** Current AWS credentials for SigV4 signing, without any I/O. */
  awsCredentials(): AwsCredentials | undefined {
    return awsCredentialsOf(this.#tokens);
  }

  /** While on, tokens are renewed ahead of expiry (an MQTT connection needs live AWS creds). */
  setKeepFresh(on: boolean): void {
    this.keepFresh.set(on);
  }

  /** Stops timers and aborts HTTP in flight; every later call rejects with NAVIEN_CANCELLED. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.keepFresh.close();
    this.lifetime.abort();
    this.setState({ state: 'idle' });
  }

  // ---- renewal -----------------------------------------------------------------------------

  private plan(t: SessionTokens | undefined): ReturnType<typeof renewalPlan> {
    return renewalPlan(t, this.now());
  }

  /** When the keep-fresh timer should renew: token expiry, but never inside a throttle wait. */
  private nextRenewalDue(): number {
    const due = this.#tokens ? renewalDueAt(this.#tokens) : this.now();
    return this.throttle.blocked ? Math.max(due, this.throttle.blockedUntil) : due;
  }

  /** Runs `work` as the one renewal every caller waits for. */
  private startRenewal(work: () => Promise<SessionTokens>): Promise<SessionTokens> {
    const running = work().finally(() => {
      if (this.renewal === running) this.renewal = undefined;
      this.keepFresh.schedule();
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
      this.throttle.throwIfBlocked();
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
      this.logger.warn(`Navien: could not read stored tokens (${describeError(err)})`);
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
      const error = toNavienError(err, 'NAVIEN_TOKEN_REFRESH_FAILED');
      if (error.code === 'NAVIEN_CANCELLED') throw error;
      if (isTransient(error) || !this.#password) {
        throw this.throttle.backOff(
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
    this.lastRefreshAt = this.now();
    await this.accept(merged);
    return merged;
  }

  private async signIn(): Promise<SessionTokens> {
    this.storeLoaded = true;
    if (!this.email || !this.#password) throw this.notConfigured();
    this.setState({ state: 'signing-in' });
    let data: unknown;
    try {
      data = await this.http.request<unknown>({
        method: 'POST',
        path: '/user/sign-in',
        body: { userId: this.email, password: this.#password },
        signal: this.lifetime.signal,
      });
    } catch (err) {
      throw this.signInFailed(toNavienError(err, 'NAVIEN_AUTH_FAILED'));
    }
    const tokens = tokensFromSignIn(data, this.now());
    if (!tokens) {
      throw this.throttle.backOff(
        new NavienError('NAVIEN_AUTH_FAILED', 'Sign-in answer from Navien had no token block'),
      );
    }
    this.throttle.signedIn();
    this.signIns++;
    this.lastSignInAt = this.now();
    await this.accept(tokens);
    this.logger.info('Navien: signed in');
    return tokens;
  }

  private signInFailed(error: NavienError): NavienError {
    if (error.code === 'NAVIEN_CANCELLED') return error;
    if (isBadCredentials(error)) return this.throttle.badPassword(error);
    const code = isConnectionTrouble(error) ? error.code : 'NAVIEN_AUTH_FAILED';
    return this.throttle.backOff(
      new NavienError(code, `Sign-in failed: ${error.message}`, {
        apiCode: error.apiCode,
        httpStatus: error.httpStatus,
        retriable: true,
      }),
      error.retryAfterMs,
    );
  }

  private async accept(tokens: SessionTokens): Promise<void> {
    this.#tokens = tokens;
    this.throttle.accepted();
    this.setState({ state: 'ready' });
    if (!this.store) return;
    try {
      await this.store.save(tokens);
    } catch (err) {
      this.logger.warn(`Navien: could not save tokens (${describeError(err)})`);
    }
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
