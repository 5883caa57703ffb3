/**
 * Reading what the Navien REST API answered (NAVIEN-PROTOCOL.md §1.1): the `{code, msg, data}`
 * envelope, HTML or broken bodies, Retry-After, and transport failures, each as a NavienError
 * with a stable code. No retry decisions here (http.ts makes them).
 */
import axios, { type AxiosResponse } from 'axios';
import { NavienError, type NavienErrorCode, type NavienErrorDetails } from './errors';

/** What the error texts need to know about the request: never its body or token. */
export interface RequestLine {
  method: string;
  path: string;
  signal?: AbortSignal;
}

/** A failure the API itself reported; keeps the API's `msg` for callers that must read it. */
export class NavienHttpError extends NavienError {
  /** The `msg` of the `{code, msg, data}` envelope, trimmed. */
  readonly apiMessage?: string;

  constructor(
    code: NavienErrorCode,
    message: string,
    details: NavienErrorDetails & { apiMessage?: string },
  ) {
    super(code, message, details);
    if (details.apiMessage !== undefined) this.apiMessage = details.apiMessage;
  }
}

interface Envelope {
  code?: unknown;
  msg?: unknown;
  data?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** The envelope's `data` of a successful answer, or the NavienError the answer means. */
export function parseResponse<T>(response: AxiosResponse<string>, req: RequestLine): T {
  const status = response.status;
  const text = typeof response.data === 'string' ? response.data : '';
  const where = `${req.method} ${req.path}`;
  const retryAfterMs = parseRetryAfter(headerValue(response, 'retry-after'));
  let envelope: Envelope | undefined;
  if (text.trim() !== '') {
    const contentType = headerValue(response, 'content-type') ?? '';
    if (/html/i.test(contentType) || /^\s*</.test(text)) {
      throw new NavienError(
        'NAVIEN_API_ERROR',
        `Navien server answered ${where} with an HTML page (HTTP ${status}) instead of JSON`,
        { httpStatus: status, retryAfterMs, retriable: status === 429 || status >= 500 },
      );
    }
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      throw new NavienError(
        'NAVIEN_API_ERROR',
        `Navien server answered ${where} with invalid JSON (HTTP ${status})`,
        { httpStatus: status, retryAfterMs, retriable: status === 429 || status >= 500 },
      );
    }
  }
  const bodyCode =
    envelope && typeof envelope === 'object' && typeof envelope.code === 'number'
      ? envelope.code
      : undefined;
  const apiCode = bodyCode ?? status;
  const httpOk = status >= 200 && status <= 299;
  if (httpOk && apiCode === 200) {
    if (envelope === undefined || typeof envelope !== 'object') {
      throw new NavienError('NAVIEN_API_ERROR', `Navien server answered ${where} with no body`, {
        httpStatus: status,
      });
    }
    return envelope.data as T;
  }
  const apiMessage =
    envelope && typeof envelope.msg === 'string' ? envelope.msg.slice(0, 200) : undefined;
  const said = apiMessage ? `: ${apiMessage}` : '';
  const details = { apiCode, httpStatus: status, retryAfterMs, apiMessage };
  if (apiCode === 401 || status === 401) {
    throw new NavienHttpError(
      'NAVIEN_AUTH_FAILED',
      `Navien refused ${where} as unauthorized (401)${said}`,
      { ...details, apiCode: 401 },
    );
  }
  if (apiCode === 429 || status === 429) {
    throw new NavienHttpError(
      'NAVIEN_RATE_LIMITED',
      `Navien is rate-limiting requests (429) on ${where}${said}`,
      details,
    );
  }
  const statusNote = status !== apiCode ? `, HTTP ${status}` : '';
  throw new NavienHttpError(
    'NAVIEN_API_ERROR',
    `Navien API error ${apiCode}${statusNote} on ${where}${said}`,
    { ...details, retriable: status >= 500 || apiCode >= 500 },
  );
}

/** Maps an axios transport failure; the axios error itself is not kept (its config holds secrets). */
export function transportError(err: unknown, req: RequestLine): NavienError {
  const where = `${req.method} ${req.path}`;
  if (req.signal?.aborted || axios.isCancel(err)) {
    return new NavienError('NAVIEN_CANCELLED', `Navien request ${where} was cancelled`);
  }
  const code = axios.isAxiosError(err) ? err.code : undefined;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return new NavienError('NAVIEN_TIMEOUT', `Navien did not answer ${where} in time`);
  }
  const reason = code && NETWORK_CODES.has(code) ? code : (code ?? 'unknown error');
  return new NavienError(
    'NAVIEN_NETWORK',
    `Cannot reach the Navien server for ${where} (${reason})`,
  );
}

function headerValue(response: AxiosResponse, name: string): string | undefined {
  const value: unknown = (response.headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
