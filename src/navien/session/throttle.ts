/**
 * The sign-in throttle (NAVIEN-PROTOCOL.md §1.6): after a failure no new sign-in or refresh is
 * tried until a wait is over, so a wrong password never locks the account and an outage is not
 * hammered. Rejected passwords wait 15, 30, 60, 60 … minutes; network and server trouble backs
 * off exponentially (2 s … 5 min, the shared backoff rule).
 */
import { Backoff } from '../backoff';
import { NavienError } from '../errors';

const BAD_PASSWORD_WAITS_MS = [15 * 60_000, 30 * 60_000, 60 * 60_000];
const NETWORK_BACKOFF = { baseMs: 2000, capMs: 5 * 60_000 };

export type BlockedState = 'auth-failed' | 'backoff';

export interface SignInThrottleOptions {
  now: () => number;
  random: () => number;
  /** Told whenever a new block starts: which state, the error callers get, and until when. */
  onBlock: (state: BlockedState, error: NavienError, retryAt: number) => void;
}

export class SignInThrottle {
  private readonly now: () => number;
  private readonly onBlock: SignInThrottleOptions['onBlock'];
  private readonly network: Backoff;
  private badPasswordStrikes = 0;
  private until = 0;
  private blockError?: NavienError;

  constructor(opts: SignInThrottleOptions) {
    this.now = opts.now;
    this.onBlock = opts.onBlock;
    this.network = new Backoff(NETWORK_BACKOFF, opts.random);
  }

  /** True after a failure until the next success (the wait itself may be over). */
  get blocked(): boolean {
    return this.blockError !== undefined;
  }

  /** Epoch ms before which no new attempt is made. */
  get blockedUntil(): number {
    return this.until;
  }

  throwIfBlocked(): void {
    if (this.blockError && this.now() < this.until) throw this.blockedError();
  }

  /** Navien rejected the e-mail or password: wait long, and say why. */
  badPassword(cause: NavienError): NavienError {
    const wait =
      BAD_PASSWORD_WAITS_MS[Math.min(this.badPasswordStrikes, BAD_PASSWORD_WAITS_MS.length - 1)];
    this.badPasswordStrikes++;
    const rejected = new NavienError(
      'NAVIEN_INVALID_CREDENTIALS',
      `Sign-in failed: Navien rejected the e-mail or password. To avoid locking the account, the next attempt waits ${Math.round(wait / 60_000)} min (or fix the credentials and redeploy)`,
      { retriable: false, apiCode: cause.apiCode, httpStatus: cause.httpStatus },
    );
    this.block(rejected, wait, 'auth-failed');
    return this.blockedError();
  }

  /** Network or server trouble: the next exponential step, or longer when the server asks. */
  backOff(error: NavienError, serverWaitMs?: number): NavienError {
    this.block(error, Math.max(this.network.next(), serverWaitMs ?? 0), 'backoff');
    return this.blockedError();
  }

  /** A sign-in with the password worked: rejected-password strikes start over. */
  signedIn(): void {
    this.badPasswordStrikes = 0;
  }

  /** New tokens arrived (sign-in or refresh): no block, and the network backoff starts over. */
  accepted(): void {
    this.network.reset();
    this.blockError = undefined;
    this.until = 0;
  }

  private block(error: NavienError, waitMs: number, state: BlockedState): void {
    this.until = this.now() + waitMs;
    this.blockError = error;
    this.onBlock(state, this.blockedError(), this.until);
  }

  /** The blocking error, with the time still to wait. */
  private blockedError(): NavienError {
    const base = this.blockError ?? new NavienError('NAVIEN_AUTH_FAILED', 'Sign-in failed');
    return new NavienError(base.code, base.message, {
      retriable: base.retriable,
      apiCode: base.apiCode,
      httpStatus: base.httpStatus,
      retryAfterMs: Math.max(0, this.until - this.now()),
    });
  }
}
