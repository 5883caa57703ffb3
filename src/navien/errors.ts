/**
 * The one error type the Navien client raises. `code` is a stable, documented string a flow
 * can branch on in a Catch node (msg.error.code); `retriable` says whether trying again later
 * can help. Messages are written for people and never contain secrets.
 */
export const NavienErrorCodes = [
  'NAVIEN_INVALID_CREDENTIALS',
  'NAVIEN_AUTH_FAILED',
  'NAVIEN_TOKEN_REFRESH_FAILED',
  'NAVIEN_NOT_CONFIGURED',
  'NAVIEN_API_ERROR',
  'NAVIEN_RATE_LIMITED',
  'NAVIEN_NETWORK',
  'NAVIEN_TIMEOUT',
  'NAVIEN_MQTT_UNAVAILABLE',
  'NAVIEN_DEVICE_NOT_FOUND',
  'NAVIEN_DEVICE_OFFLINE',
  'NAVIEN_INVALID_INPUT',
  'NAVIEN_UNSUPPORTED',
  'NAVIEN_CANCELLED',
] as const;

export type NavienErrorCode = (typeof NavienErrorCodes)[number];

/** Codes for which trying again later can succeed without the user changing anything. */
const RETRIABLE_BY_DEFAULT: ReadonlySet<NavienErrorCode> = new Set<NavienErrorCode>([
  'NAVIEN_AUTH_FAILED',
  'NAVIEN_TOKEN_REFRESH_FAILED',
  'NAVIEN_RATE_LIMITED',
  'NAVIEN_NETWORK',
  'NAVIEN_TIMEOUT',
  'NAVIEN_MQTT_UNAVAILABLE',
  'NAVIEN_DEVICE_OFFLINE',
]);

export interface NavienErrorDetails {
  /** Override the default retriability of the code. */
  retriable?: boolean;
  /** The `code` from the API's `{code, msg, data}` envelope, when there was one. */
  apiCode?: number;
  /** The HTTP status of the answer, when there was one. */
  httpStatus?: number;
  /** Milliseconds the server asked us to wait (Retry-After), or our own backoff. */
  retryAfterMs?: number;
  /** The underlying error (never shown to users verbatim if it may hold secrets). */
  cause?: unknown;
}

export class NavienError extends Error {
  readonly code: NavienErrorCode;
  readonly retriable: boolean;
  readonly apiCode?: number;
  readonly httpStatus?: number;
  readonly retryAfterMs?: number;

  constructor(code: NavienErrorCode, message: string, details: NavienErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'NavienError';
    this.code = code;
    this.retriable = details.retriable ?? RETRIABLE_BY_DEFAULT.has(code);
    if (details.apiCode !== undefined) this.apiCode = details.apiCode;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }

  /** What a flow sees beside msg.error: plain data, safe to log. */
  toJSON(): NavienErrorInfo {
    const info: NavienErrorInfo = {
      code: this.code,
      message: this.message,
      retriable: this.retriable,
    };
    if (this.apiCode !== undefined) info.apiCode = this.apiCode;
    if (this.httpStatus !== undefined) info.httpStatus = this.httpStatus;
    if (this.retryAfterMs !== undefined) info.retryAfterMs = this.retryAfterMs;
    return info;
  }
}

export interface NavienErrorInfo {
  code: NavienErrorCode;
  message: string;
  retriable: boolean;
  apiCode?: number;
  httpStatus?: number;
  retryAfterMs?: number;
}

export function isNavienError(err: unknown): err is NavienError {
  return err instanceof NavienError;
}

/** Wraps anything thrown into a NavienError so callers handle one type. */
export function toNavienError(
  err: unknown,
  fallback: NavienErrorCode = 'NAVIEN_API_ERROR',
): NavienError {
  if (err instanceof NavienError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new NavienError(fallback, message, { cause: err });
}
