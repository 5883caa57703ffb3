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
    // Node-RED shows errors as `${name}: ${message}` (msg.error.message, the log): "Navien: …".
    this.name = 'Navien';
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

/** Wraps anything thrown into a NavienError so callers handle one type; text by errorText(). */
export function toNavienError(
  err: unknown,
  fallback: NavienErrorCode = 'NAVIEN_API_ERROR',
): NavienError {
  if (err instanceof NavienError) return err;
  return new NavienError(fallback, errorText(err), { cause: err });
}

// ---- what an error may say ------------------------------------------------------------------

/** Longest text we show for an error we did not write ourselves. */
const MAX_FOREIGN_TEXT = 300;
/** Longest excerpt of a user's value quoted in an error. */
const MAX_EXCERPT = 40;
/** Query strings carry presigned-URL credentials (X-Amz-Security-Token, X-Amz-Signature). */
const URL_QUERY = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#"']*)\?[^\s#"']*/gi;
/** JWTs (base64url JSON starting `{"`, in dotted parts), whatever their length. */
const JWT = /\beyJ[\w-]*\.[\w-]*(?:\.[\w-]*)?/g;
/** AWS keys, session tokens: long runs with no spaces that people never need to read. */
const OPAQUE_RUN = /[A-Za-z0-9+/=_-]{32,}/g;

/**
 * The one rule for the text a user sees for an error (msg.error.message, badges, logs).
 * Our own NavienErrors are written to be safe and keep their text (bounded as a safety net);
 * anything else keeps its message, since it usually says what went wrong, but with URL query
 * strings and token-like runs removed and cut to a few hundred characters.
 */
export function errorText(err: unknown): string {
  if (err instanceof NavienError) return bounded(err.message, 2 * MAX_FOREIGN_TEXT);
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : undefined;
  if (raw === undefined || raw.trim() === '') return 'Unexpected failure while talking to Navien';
  return bounded(redactSecrets(raw), MAX_FOREIGN_TEXT);
}

/** An error for a log line: `CODE: text` for ours, the errorText() of anything else. */
export function describeError(err: unknown): string {
  return err instanceof NavienError ? `${err.code}: ${errorText(err)}` : errorText(err);
}

/** Removes what could be a credential from a text we did not write. */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_QUERY, '$1?…')
    .replace(JWT, '[redacted]')
    .replace(OPAQUE_RUN, '[redacted]');
}

/**
 * A user's value as an error may quote it: strings in double quotes, other values as JSON, and
 * anything long cut to its first `max` characters with a marker that gives the full length,
 * e.g. `"aaaa…" (1048576 chars)`. Never echoes unbounded input.
 */
export function quoteInput(value: unknown, max = MAX_EXCERPT): string {
  if (typeof value === 'string') {
    if (value.length <= max) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, max) + '…')} (${value.length} chars)`;
  }
  const text = typeof value === 'number' ? String(value) : asJson(value);
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/** Unquoted text cut the same way as quoteInput(), e.g. an unknown object key in a path. */
export function excerpt(text: string, max = MAX_EXCERPT): string {
  return bounded(text, max);
}

function asJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Cycles and BigInts: say what it is rather than what it holds.
    return Object.prototype.toString.call(value);
  }
}

function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}
