/** How the session reads a failed sign-in, refresh or request (NAVIEN-PROTOCOL.md §1.7). */
import { isNavienError, type NavienError } from '../errors';
import { NavienHttpError } from '../http-response';

/** The API refused the access token. */
export function isUnauthorized(err: unknown): err is NavienError {
  return isNavienError(err) && err.code === 'NAVIEN_AUTH_FAILED' && err.apiCode === 401;
}

/** §1.7: code 401, or a message saying invalid/unauthorized. */
export function isBadCredentials(error: NavienError): boolean {
  if (error.apiCode === 401) return true;
  return (
    error instanceof NavienHttpError && /invalid|unauthori[sz]ed/i.test(error.apiMessage ?? '')
  );
}

/** Network-level failures keep their own code when reported after a sign-in/refresh. */
export function isConnectionTrouble(error: NavienError): boolean {
  return (
    error.code === 'NAVIEN_NETWORK' ||
    error.code === 'NAVIEN_TIMEOUT' ||
    error.code === 'NAVIEN_RATE_LIMITED'
  );
}

/** Failures where the same request may work later without anyone changing anything. */
export function isTransient(error: NavienError): boolean {
  if (isConnectionTrouble(error)) return true;
  const status = error.httpStatus ?? 0;
  return status >= 500 || (error.apiCode ?? 0) >= 500;
}
